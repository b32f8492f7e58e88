using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>Answer to <c>POST /v1/memories</c>.</summary>
/// <param name="Memories">The memories built from the messages, in message order.</param>
public sealed record AddMemoriesResponse(
    [property: JsonPropertyName("memories")] IReadOnlyList<AddedMemory> Memories);
