using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>Answer to <c>POST /v1/search</c>.</summary>
/// <param name="Hits">The hits, best first.</param>
/// <param name="UsedTokens">Tokens the rendered <paramref name="Context"/> takes (ceil(chars/4)).</param>
/// <param name="TokenBudget">The budget asked for, or null.</param>
/// <param name="Context">The hits rendered for a model (<c>MemoryRendering.RenderGroupedContext</c>: chronological,
/// grouped by day); within <paramref name="TokenBudget"/> when one was given.</param>
public sealed record SearchResponse(
    [property: JsonPropertyName("hits")] IReadOnlyList<SearchHit> Hits,
    [property: JsonPropertyName("usedTokens")] int UsedTokens,
    [property: JsonPropertyName("tokenBudget")] int? TokenBudget,
    [property: JsonPropertyName("context")] string Context);
