using System.Text.Json.Serialization;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Interfaces.Operations;

/// <summary>A MemCube changed lifecycle state (or came to exist). Carries no memory text.</summary>
/// <param name="At">When the change was stored (transaction time).</param>
/// <param name="TenantId">The cube's tenant.</param>
/// <param name="CubeId">The cube.</param>
/// <param name="Kind">The memory kind.</param>
/// <param name="From">The state before, or null when the cube was created.</param>
/// <param name="To">The state after.</param>
public sealed record LifecycleEvent(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("cubeId")] string CubeId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("from")] MemCubeLifecycle? From,
    [property: JsonPropertyName("to")] MemCubeLifecycle To);
