using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>A validated search, as the MemScheduler grain takes it.</summary>
/// <param name="Query">The query text, non-empty.</param>
/// <param name="TopK">The most hits (or packing candidates) to consider, at least 1.</param>
/// <param name="TokenBudget">The token budget of the rendered hits, or null for none.</param>
public sealed record MemorySearchQuery(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("topK")] int TopK,
    [property: JsonPropertyName("tokenBudget")] int? TokenBudget);
