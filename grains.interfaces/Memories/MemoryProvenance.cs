using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>Where a memory came from.</summary>
/// <param name="ConversationId">The source conversation, or null.</param>
/// <param name="MessageIds">The ids of the source messages (a memory covers these in evidence recall).</param>
/// <param name="Speaker">Who said the source messages, or null.</param>
/// <param name="MessageTime">When the (first) source message was sent, or null.</param>
/// <param name="Producer">The reader or operator that built the memory.</param>
/// <param name="DerivedFrom">Ids of the cubes this one was derived from (empty for a reader's output).</param>
/// <param name="SourceDigest">A digest of the source message (speaker and text) when the memory holds only part of
/// it, so that a re-sent message can be recognized as the same or as changed; null otherwise.</param>
public sealed record MemoryProvenance(
    [property: JsonPropertyName("conversationId")] string? ConversationId,
    [property: JsonPropertyName("messageIds")] IReadOnlyList<string> MessageIds,
    [property: JsonPropertyName("speaker")] string? Speaker,
    [property: JsonPropertyName("messageTime")] DateTimeOffset? MessageTime,
    [property: JsonPropertyName("producer")] MemoryProducer Producer,
    [property: JsonPropertyName("derivedFrom")] IReadOnlyList<string> DerivedFrom,
    [property: JsonPropertyName("sourceDigest")] string? SourceDigest = null);
