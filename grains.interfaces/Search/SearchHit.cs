using System.Text.Json.Serialization;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>One memory found by a search.</summary>
/// <param name="Id">The cube id.</param>
/// <param name="Score">The retrieval score (higher is better; comparable within one response only).</param>
/// <param name="Kind">The memory kind.</param>
/// <param name="Text">The memory text.</param>
/// <param name="Speaker">Who said it, or null.</param>
/// <param name="ValidFrom">When it became true in the world, or null.</param>
/// <param name="Provenance">Where it came from (message ids, conversation).</param>
/// <param name="Rendered">The line this hit takes on its own (see <see cref="MemoryRendering.RenderLine"/>).</param>
/// <param name="ValidTo">When it stopped being true, or null while it still holds.</param>
/// <param name="Explanation">The score parts, when the search asked for <c>explain</c>.</param>
/// <param name="Space">The space the memory is in (<c>u:{user}</c> or the shared space's name).</param>
public sealed record SearchHit(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("speaker")] string? Speaker,
    [property: JsonPropertyName("validFrom")] DateTimeOffset? ValidFrom,
    [property: JsonPropertyName("provenance")] MemoryProvenance Provenance,
    [property: JsonPropertyName("rendered")] string Rendered,
    [property: JsonPropertyName("validTo")] DateTimeOffset? ValidTo = null,
    [property: JsonPropertyName("explanation")] ScoreExplanation? Explanation = null,
    [property: JsonPropertyName("space")] string? Space = null);
