using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>Body of <c>PATCH /v1/memories/{id}</c>; the request must carry <c>If-Match</c> with the ETag read.</summary>
/// <param name="User">The user owning the memory.</param>
/// <param name="Update">The fields to change.</param>
/// <param name="Space">The space: a shared space's name, or <c>u:{user}</c>; default: the user's private space.</param>
public sealed record UpdateMemoryRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("update")] MemoryUpdate? Update,
    [property: JsonPropertyName("space")] string? Space = null);
