using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Activation;

/// <summary>Body of <c>POST /v1/memories/activate</c>: precompute the KV cache of the block made of these memories.</summary>
/// <param name="User">The owning user.</param>
/// <param name="MemoryIds">1-100 distinct memory ids of the user; the block renders them as a chat would (by cube id,
/// grouped by day).</param>
/// <param name="Space">The space: a shared space's name, or <c>u:{user}</c>; default: the user's private space.</param>
public sealed record ActivateRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("memoryIds")] IReadOnlyList<string>? MemoryIds,
    [property: JsonPropertyName("space")] string? Space = null);
