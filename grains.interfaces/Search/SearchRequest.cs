using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>Body of <c>POST /v1/search</c>.</summary>
/// <param name="User">The user whose memories are searched.</param>
/// <param name="Query">The question or text to find memories for: 1-4,096 characters.</param>
/// <param name="TopK">The most hits to return: 1-200; default 10, or 200 candidates to pack when a
/// <paramref name="TokenBudget"/> is given.</param>
/// <param name="TokenBudget">The most tokens the rendered hits may take (tokens = ceil(chars/4) of the hits'
/// rendered lines joined by newlines, see <see cref="Memories.MemoryRendering"/>): 1-100,000, or null for no budget.</param>
public sealed record SearchRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("query")] string? Query,
    [property: JsonPropertyName("topK")] int? TopK = null,
    [property: JsonPropertyName("tokenBudget")] int? TokenBudget = null);
