using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>How a memory has been used.</summary>
/// <param name="Count">How many times it was returned by a get or a search.</param>
/// <param name="LastAccessAt">When it was last returned, or null if never.</param>
/// <param name="DecayedFrequency">Accesses with exponential decay (half-life 7 days), as of <paramref name="LastAccessAt"/>.</param>
public sealed record MemoryAccessStats(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("lastAccessAt")] DateTimeOffset? LastAccessAt,
    [property: JsonPropertyName("decayedFrequency")] double DecayedFrequency)
{
    /// <summary>No access yet.</summary>
    public static MemoryAccessStats None { get; } = new(0, null, 0);
}
