using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>Restricts a search to memories with the given metadata; applied before ranking. Every given condition
/// must hold; within a list, any value matches.</summary>
/// <param name="Kinds">Memory kinds (<c>turn</c>, <c>utterance</c>, <c>fact</c>, ...), or null for any.</param>
/// <param name="Tags">Tags, at least one of which the memory carries, or null for any.</param>
/// <param name="Speakers">Speakers (case-insensitive), or null for any.</param>
/// <param name="ValidFrom">Only memories whose valid time is at or after this instant, or null.</param>
/// <param name="ValidTo">Only memories whose valid time is before this instant, or null.</param>
public sealed record SearchFilters(
    [property: JsonPropertyName("kinds")] IReadOnlyList<string>? Kinds = null,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags = null,
    [property: JsonPropertyName("speakers")] IReadOnlyList<string>? Speakers = null,
    [property: JsonPropertyName("validFrom")] DateTimeOffset? ValidFrom = null,
    [property: JsonPropertyName("validTo")] DateTimeOffset? ValidTo = null);
