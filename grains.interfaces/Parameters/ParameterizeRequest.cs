using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>Body of <c>POST /v1/memories/parameterize</c>: train a LoRA adapter on these memories' texts.</summary>
/// <param name="User">The owning user.</param>
/// <param name="MemoryIds">Distinct memory ids of the user, 1 to <c>MemOS:Parameter:MaxMemoriesPerAdapter</c>.</param>
/// <param name="Rank">The LoRA rank, 1-64; null for <c>MemOS:Parameter:Rank</c>.</param>
/// <param name="Steps">The optimizer steps, 1-10000; null for <c>MemOS:Parameter:Steps</c>.</param>
/// <param name="Space">The space: a shared space's name, or <c>u:{user}</c>; default: the user's private space.</param>
public sealed record ParameterizeRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("memoryIds")] IReadOnlyList<string>? MemoryIds,
    [property: JsonPropertyName("rank")] int? Rank = null,
    [property: JsonPropertyName("steps")] int? Steps = null,
    [property: JsonPropertyName("space")] string? Space = null);
