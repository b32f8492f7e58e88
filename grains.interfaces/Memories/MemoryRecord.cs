using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>A MemCube as the API shows it: payload, metadata and lifecycle state at its current version.</summary>
/// <param name="Id">The cube id (26-character ULID).</param>
/// <param name="TenantId">The owning tenant.</param>
/// <param name="SpaceKey">The space holding the cube (<c>u:{user}</c> for a user's private space).</param>
/// <param name="OwnerId">The user that created it.</param>
/// <param name="Kind">The memory kind (see <see cref="MemoryKinds"/>).</param>
/// <param name="State">The lifecycle state.</param>
/// <param name="Text">The plaintext payload; empty once deleted.</param>
/// <param name="Provenance">Where it came from.</param>
/// <param name="ValidFrom">Valid time start: when it became true in the world (the message time), or null.</param>
/// <param name="ValidTo">Valid time end, or null while still true.</param>
/// <param name="CreatedAt">Transaction time of the first version.</param>
/// <param name="UpdatedAt">Transaction time of the current version.</param>
/// <param name="Version">The current version, starting at 1; the HTTP ETag is <c>"{Version}"</c>.</param>
/// <param name="Tags">Free-form labels.</param>
/// <param name="Entities">Names of people, places and things it mentions.</param>
/// <param name="Confidence">How sure the producer is, 0-1.</param>
/// <param name="Priority">Retrieval priority, 0 (normal) and up.</param>
/// <param name="Pinned">Always kept in working memory when true.</param>
/// <param name="Access">Access statistics.</param>
/// <param name="EmbeddingModel">The embedder model id of the cube's stored vector, or null when it has none (the vector
/// itself is not returned).</param>
/// <param name="ExpiresAt">When the memory's time to live ends, or null when it does not expire.</param>
/// <param name="MergedInto">For a <see cref="MemCubeLifecycle.Merged"/> memory, the memory it was fused into; else null.</param>
/// <param name="FusedFrom">The near-duplicates fused into this memory, with their provenance, or null when none.</param>
public sealed record MemoryRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("spaceKey")] string SpaceKey,
    [property: JsonPropertyName("ownerId")] string OwnerId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("state")] MemCubeLifecycle State,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("provenance")] MemoryProvenance Provenance,
    [property: JsonPropertyName("validFrom")] DateTimeOffset? ValidFrom,
    [property: JsonPropertyName("validTo")] DateTimeOffset? ValidTo,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("entities")] IReadOnlyList<string> Entities,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("priority")] int Priority,
    [property: JsonPropertyName("pinned")] bool Pinned,
    [property: JsonPropertyName("access")] MemoryAccessStats Access,
    [property: JsonPropertyName("embeddingModel")] string? EmbeddingModel = null,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset? ExpiresAt = null,
    [property: JsonPropertyName("mergedInto")] string? MergedInto = null,
    [property: JsonPropertyName("fusedFrom")] IReadOnlyList<FusedSource>? FusedFrom = null);
