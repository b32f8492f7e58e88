using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>One message of a conversation, as a client sends it to be remembered.</summary>
/// <param name="Id">The message id, unique within its conversation (LoCoMo: the turn's <c>dia_id</c>, e.g. <c>D3:7</c>);
/// 1-128 characters.</param>
/// <param name="Speaker">Who said it; 1-128 characters.</param>
/// <param name="Text">What was said; 1-32,768 characters.</param>
/// <param name="Timestamp">When it was said; becomes the memory's valid time. Null means "now" (the silo's clock).</param>
public sealed record ConversationMessage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("speaker")] string Speaker,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("timestamp")] DateTimeOffset? Timestamp = null);
