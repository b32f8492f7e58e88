using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>Body of <c>POST /v1/memories/{id}/rollback</c>; the request must carry <c>If-Match</c> with the ETag read.</summary>
/// <param name="User">The user owning the memory.</param>
/// <param name="Version">The earlier version whose content (text, tags, entities, valid time) becomes a new version.</param>
/// <param name="Space">The space: a shared space's name, or <c>u:{user}</c>; default: the user's private space.</param>
public sealed record RollbackMemoryRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("version")] long? Version,
    [property: JsonPropertyName("space")] string? Space = null);
