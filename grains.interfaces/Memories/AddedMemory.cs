using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>One memory in the answer to an add: the cube and whether it is new.</summary>
/// <param name="Memory">The stored cube.</param>
/// <param name="Created"><see langword="true"/> when this request created it; <see langword="false"/> when the
/// same message of the same conversation was already remembered (nothing was stored twice).</param>
public sealed record AddedMemory(
    [property: JsonPropertyName("memory")] MemoryRecord Memory,
    [property: JsonPropertyName("created")] bool Created);
