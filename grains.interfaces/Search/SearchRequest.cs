using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>Body of <c>POST /v1/search</c>.</summary>
/// <param name="User">The user whose memories are searched.</param>
/// <param name="Query">The question or text to find memories for: 1-4,096 characters.</param>
/// <param name="TopK">The most hits to return: 1-200; default 10, or 200 candidates to pack when a
/// <paramref name="TokenBudget"/> is given.</param>
/// <param name="TokenBudget">The most tokens the rendered context of the hits may take (tokens = ceil(chars/4) of
/// <see cref="Memories.MemoryRendering.RenderGroupedContext"/>): 1-100,000, or null for no budget.</param>
/// <param name="Filters">Metadata conditions applied before ranking, or null.</param>
/// <param name="ReferenceTime">The "now" against which time expressions in the query ("last week", "in May") are
/// resolved; default: the silo's clock.</param>
/// <param name="AsOf">Search what was stored at this transaction time: memories created later are left out, and a hit
/// edited since is returned as the version visible then (text, tags, valid time). Ranking uses the current index, so
/// a memory is found by its current content; erased memories are never returned.</param>
/// <param name="Explain">Whether each hit carries its score parts.</param>
/// <param name="Space">The space: a shared space's name, or <c>u:{user}</c>; default: the user's private space.</param>
public sealed record SearchRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("query")] string? Query,
    [property: JsonPropertyName("topK")] int? TopK = null,
    [property: JsonPropertyName("tokenBudget")] int? TokenBudget = null,
    [property: JsonPropertyName("filters")] SearchFilters? Filters = null,
    [property: JsonPropertyName("referenceTime")] DateTimeOffset? ReferenceTime = null,
    [property: JsonPropertyName("asOf")] DateTimeOffset? AsOf = null,
    [property: JsonPropertyName("explain")] bool Explain = false,
    [property: JsonPropertyName("space")] string? Space = null);
