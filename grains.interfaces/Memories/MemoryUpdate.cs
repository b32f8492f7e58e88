using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>A change to a MemCube's payload or metadata; null fields are left as they are. At least one field is set.</summary>
/// <param name="Text">The new text (1-32,768 characters), or null.</param>
/// <param name="Tags">The new tag set, or null.</param>
/// <param name="Entities">The new entity set, or null.</param>
/// <param name="ValidFrom">The new valid-time start, or null.</param>
/// <param name="ValidTo">The new valid-time end, or null.</param>
/// <param name="ExpiresAt">When the memory expires (its time to live ends), or null to leave it: from then on it is never
/// returned, and it is purged (erased) after the grace period (<c>MemOS:Lifecycle:ExpiryGracePeriod</c>).</param>
public sealed record MemoryUpdate(
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags = null,
    [property: JsonPropertyName("entities")] IReadOnlyList<string>? Entities = null,
    [property: JsonPropertyName("validFrom")] DateTimeOffset? ValidFrom = null,
    [property: JsonPropertyName("validTo")] DateTimeOffset? ValidTo = null,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset? ExpiresAt = null)
{
    /// <summary><see langword="true"/> when no field is set.</summary>
    [JsonIgnore]
    public bool IsEmpty => Text is null && Tags is null && Entities is null && ValidFrom is null && ValidTo is null && ExpiresAt is null;
}
