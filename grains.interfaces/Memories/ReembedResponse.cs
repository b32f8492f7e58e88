using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>Answer to <c>POST /v1/memories/reembed</c>.</summary>
/// <param name="Reembedded">How many memories got a new vector.</param>
/// <param name="ModelId">The embedder model the user's memories are now embedded with.</param>
public sealed record ReembedResponse(
    [property: JsonPropertyName("reembedded")] int Reembedded,
    [property: JsonPropertyName("modelId")] string ModelId);
