using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>A validated search, as the MemScheduler grain takes it.</summary>
/// <param name="Query">The query text, non-empty.</param>
/// <param name="TopK">The most hits (or packing candidates) to consider, at least 1.</param>
/// <param name="TokenBudget">The token budget of the rendered hits, or null for none.</param>
/// <param name="Filters">Metadata conditions applied before ranking, or null.</param>
/// <param name="ReferenceTime">The "now" for time expressions in the query, or null for the silo's clock.</param>
/// <param name="AsOf">Leave out memories created after this transaction time and show hits as they were then, or null.</param>
/// <param name="Explain">Whether hits carry their score parts.</param>
public sealed record MemorySearchQuery(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("topK")] int TopK,
    [property: JsonPropertyName("tokenBudget")] int? TokenBudget,
    [property: JsonPropertyName("filters")] SearchFilters? Filters = null,
    [property: JsonPropertyName("referenceTime")] DateTimeOffset? ReferenceTime = null,
    [property: JsonPropertyName("asOf")] DateTimeOffset? AsOf = null,
    [property: JsonPropertyName("explain")] bool Explain = false);
