using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>Answer to <c>POST /v1/search</c>.</summary>
/// <param name="Hits">The hits, best first (or in context order when packed to a budget).</param>
/// <param name="UsedTokens">Tokens the hits' rendered context takes (ceil(chars/4)).</param>
/// <param name="TokenBudget">The budget asked for, or null.</param>
public sealed record SearchResponse(
    [property: JsonPropertyName("hits")] IReadOnlyList<SearchHit> Hits,
    [property: JsonPropertyName("usedTokens")] int UsedTokens,
    [property: JsonPropertyName("tokenBudget")] int? TokenBudget);
