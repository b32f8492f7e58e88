using MemOS.Grains.Interfaces.Activation;

namespace MemOS.Grains.Activation;

/// <summary>The persisted state of an <see cref="ActivationCubeGrain"/>: the block's sources and KV cache key, and the
/// cache's state and use. It holds no memory text (an erased memory leaves no trace here but its id).</summary>
public sealed record ActivationCubeState
{
    /// <summary>The activation id; empty when no cube exists.</summary>
    public string Id { get; init; } = "";

    /// <summary>The owning tenant.</summary>
    public string TenantId { get; init; } = "";

    /// <summary>The space holding the block's memories.</summary>
    public string SpaceKey { get; init; } = "";

    /// <summary>The user whose memories these are.</summary>
    public string OwnerId { get; init; } = "";

    /// <summary>The cache's state.</summary>
    public ActivationState State { get; init; } = ActivationState.Pending;

    /// <summary>The block's memories and versions, in block order.</summary>
    public IReadOnlyList<MemorySource> Sources { get; init; } = [];

    /// <summary>The model file's SHA-256.</summary>
    public string ModelSha256 { get; init; } = "";

    /// <summary>The prompt template's name.</summary>
    public string Template { get; init; } = "";

    /// <summary>The KV cache key's id.</summary>
    public string CacheKey { get; init; } = "";

    /// <summary>The SHA-256 of the block's tokens.</summary>
    public string TokensSha256 { get; init; } = "";

    /// <summary>The block's tokens.</summary>
    public int TokenCount { get; init; }

    /// <summary>The stored state's size in bytes; 0 until computed.</summary>
    public long SizeBytes { get; init; }

    /// <summary>Why it was requested (<see cref="ActivationOrigins"/>).</summary>
    public string Origin { get; init; } = ActivationOrigins.Promotion;

    /// <summary>When it was first requested.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its state last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When its cache was last stored.</summary>
    public DateTimeOffset? ReadyAt { get; init; }

    /// <summary>When a chat last restored it.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>How many chats restored it.</summary>
    public long UseCount { get; init; }

    /// <summary>Why it is stale, demoted, evicted or failed.</summary>
    public string? Reason { get; init; }

    /// <summary><see langword="true"/> when a cube was created in this state.</summary>
    public bool Exists => Id.Length > 0;

    /// <summary><see langword="true"/> while the cube holds, or is about to hold, a cache (Pending or Ready).</summary>
    public bool IsLive => State is ActivationState.Pending or ActivationState.Ready;

    /// <summary>The API view.</summary>
    /// <returns>The record.</returns>
    public ActivationRecord ToRecord() => new(
        Id, State, Sources, ModelSha256, Template, CacheKey, TokenCount, SizeBytes, Origin, CreatedAt, UpdatedAt, ReadyAt,
        LastUsedAt, UseCount, Reason);
}
