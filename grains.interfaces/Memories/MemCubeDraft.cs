using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>What a reader produces for one new plaintext MemCube, before it has an id or a version.</summary>
/// <param name="OwnerId">The user the memory belongs to.</param>
/// <param name="Kind">The memory kind (see <see cref="MemoryKinds"/>).</param>
/// <param name="Text">The plaintext payload, non-empty.</param>
/// <param name="Provenance">Where it came from.</param>
/// <param name="ValidFrom">When it became true in the world, or null.</param>
/// <param name="Tags">Labels.</param>
/// <param name="Entities">Names it mentions.</param>
/// <param name="Confidence">How sure the producer is, 0-1.</param>
/// <param name="Embedding">The vector of <paramref name="Text"/>, when the scheduler embedded it (stored with the cube so that
/// re-activation does not re-embed).</param>
/// <param name="ExpiresAt">When the memory's time to live ends, or null when it does not expire.</param>
public sealed record MemCubeDraft(
    [property: JsonPropertyName("ownerId")] string OwnerId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("provenance")] MemoryProvenance Provenance,
    [property: JsonPropertyName("validFrom")] DateTimeOffset? ValidFrom,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("entities")] IReadOnlyList<string> Entities,
    [property: JsonPropertyName("confidence")] double Confidence = 1.0,
    [property: JsonPropertyName("embedding")] MemoryEmbedding? Embedding = null,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset? ExpiresAt = null);
