using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Memories;

/// <summary>The persisted state of a <see cref="MemCubeGrain"/>: the current version's payload and metadata,
/// access statistics and the append-only history of versions.</summary>
public sealed record MemCubeState
{
    /// <summary>The cube id; empty when no cube exists.</summary>
    public string Id { get; init; } = "";

    /// <summary>The owning tenant.</summary>
    public string TenantId { get; init; } = "";

    /// <summary>The space holding the cube.</summary>
    public string SpaceKey { get; init; } = "";

    /// <summary>The user that created it.</summary>
    public string OwnerId { get; init; } = "";

    /// <summary>The memory kind.</summary>
    public string Kind { get; init; } = MemoryKinds.Turn;

    /// <summary>The lifecycle state.</summary>
    public MemCubeLifecycle State { get; init; } = MemCubeLifecycle.Generated;

    /// <summary>The plaintext payload; empty once erased.</summary>
    public string Text { get; init; } = "";

    /// <summary>Where it came from.</summary>
    public MemoryProvenance? Provenance { get; init; }

    /// <summary>Valid-time start.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>Valid-time end.</summary>
    public DateTimeOffset? ValidTo { get; init; }

    /// <summary>Transaction time of version 1.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Transaction time of the current version.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The current version; 0 when no cube exists.</summary>
    public long Version { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Names it mentions.</summary>
    public IReadOnlyList<string> Entities { get; init; } = [];

    /// <summary>The producer's confidence, 0-1.</summary>
    public double Confidence { get; init; } = 1.0;

    /// <summary>Retrieval priority.</summary>
    public int Priority { get; init; }

    /// <summary>Always kept in working memory.</summary>
    public bool Pinned { get; init; }

    /// <summary>Access statistics.</summary>
    public MemoryAccessStats Access { get; init; } = MemoryAccessStats.None;

    /// <summary>The vector of <see cref="Text"/> and its embedder, or <see langword="null"/> when not embedded (yet, or
    /// since the text changed, or erased).</summary>
    public MemoryEmbedding? Embedding { get; init; }

    /// <summary>Every version, oldest first (append-only).</summary>
    public IReadOnlyList<MemoryVersion> History { get; init; } = [];

    /// <summary>Whether the text, vector and earlier history are in the MemVault (archived, or expired or erased while
    /// archived): the hot history then holds only the versions after the archive.</summary>
    public bool PayloadInVault { get; init; }

    /// <summary>The survivor this cube was fused into (state Merged), or null.</summary>
    public string? MergedInto { get; init; }

    /// <summary>The near-duplicates fused into this cube.</summary>
    public IReadOnlyList<FusedSource> FusedFrom { get; init; } = [];

    /// <summary>When the cube's time to live ends, or null.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary><see langword="true"/> when a cube was created in this state.</summary>
    public bool Exists => Version > 0;

    /// <summary>The API view of the current version.</summary>
    /// <returns>The record.</returns>
    public MemoryRecord ToRecord() => new(
        Id, TenantId, SpaceKey, OwnerId, Kind, State, Text,
        Provenance ?? new MemoryProvenance(null, [], null, null, new MemoryProducer("unknown", "0"), []),
        ValidFrom, ValidTo, CreatedAt, UpdatedAt, Version, Tags, Entities, Confidence, Priority, Pinned, Access, Embedding?.ModelId, ExpiresAt, MergedInto, FusedFrom.Count == 0 ? null : FusedFrom);
}
