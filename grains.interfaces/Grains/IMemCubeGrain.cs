using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>One MemCube: a plaintext memory, its metadata, lifecycle state and append-only version history.
/// Key: <see cref="MemCubeKeys.Cube"/> (<c>{tenant}/{spaceKey}/{cubeId}</c>).</summary>
/// <remarks>Every content change and lifecycle transition writes a new version; history is never rewritten
/// except by erasure, which removes the payload from every version.</remarks>
public interface IMemCubeGrain : IGrainWithStringKey
{
    /// <summary>Creates the cube from a reader's draft, in state <see cref="MemCubeLifecycle.Generated"/>, version 1.</summary>
    /// <param name="draft">The payload and metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored cube.</returns>
    /// <exception cref="ArgumentException">The draft is invalid (empty text, bad owner).</exception>
    /// <exception cref="InvalidOperationException">The cube already exists.</exception>
    Task<MemoryRecord> CreateAsync(MemCubeDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Moves the cube from Generated (or Archived) to <see cref="MemCubeLifecycle.Activated"/>: retrievable.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube at its new version.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was erased.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The current state cannot become Activated.</exception>
    Task<MemoryRecord> ActivateAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the cube at its current version.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was erased.</exception>
    Task<MemoryRecord> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes payload or metadata if the cube is still at <paramref name="expectedVersion"/>.</summary>
    /// <param name="update">The fields to change; at least one.</param>
    /// <param name="expectedVersion">The version the caller read.</param>
    /// <param name="embedding">The vector of the new text, when the text changes and the caller embedded it; when the
    /// text changes and this is <see langword="null"/>, the cube drops its old vector.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube at its new version.</returns>
    /// <exception cref="ArgumentException">The update is empty or invalid.</exception>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was erased.</exception>
    /// <exception cref="VersionConflictException">The cube is at another version; nothing was written.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The cube's state does not allow updates (Merged, Expired).</exception>
    Task<MemoryRecord> UpdateAsync(
        MemoryUpdate update, long expectedVersion, MemoryEmbedding? embedding = null, CancellationToken cancellationToken = default);

    /// <summary>Returns the stored vector of the cube's current text, if any.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The embedding, or <see langword="null"/> when the cube has none.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was erased.</exception>
    Task<MemoryEmbedding?> GetEmbeddingAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new vector of the cube's current text (a re-embedding: derived data, so no new version).</summary>
    /// <param name="embedding">The vector.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the vector is durable.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was erased.</exception>
    Task SetEmbeddingAsync(MemoryEmbedding embedding, CancellationToken cancellationToken = default);

    /// <summary>Erases the cube: state <see cref="MemCubeLifecycle.Deleted"/>, payload removed from every version.</summary>
    /// <param name="expectedVersion">The version the caller read, or null to delete whatever the version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the erasure is durable.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was already erased.</exception>
    /// <exception cref="VersionConflictException">The cube is at another version; nothing was erased.</exception>
    Task DeleteAsync(long? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Returns every version of the cube, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The history.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist.</exception>
    Task<MemoryHistory> GetHistoryAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the cube as it was at transaction time <paramref name="asOf"/> (the Time Machine): the last
    /// version recorded at or before it, with that version's state, text, tags, entities, valid time and number;
    /// identity, provenance and access statistics are the current ones.</summary>
    /// <param name="asOf">The transaction time (UTC or with offset).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory as visible then.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist, was created after <paramref name="asOf"/>, or
    /// has been erased (erasure removes the payload from every version, so an erased memory is never returned).</exception>
    Task<MemoryRecord> GetAsOfAsync(DateTimeOffset asOf, CancellationToken cancellationToken = default);

    /// <summary>Restores the content (text, tags, entities, valid time) of an earlier version as a new version
    /// (change <c>rolled_back_to_v{n}</c>): history stays append-only, nothing is rewritten.</summary>
    /// <param name="toVersion">The version whose content to restore: 1 to the current version minus 1.</param>
    /// <param name="expectedVersion">The version the caller read (optimistic concurrency).</param>
    /// <param name="embedding">The vector of the restored text when it differs from the current one, or null (the
    /// cube then keeps no vector until re-embedded).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory at its new version.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was erased.</exception>
    /// <exception cref="VersionConflictException">The cube is at another version than <paramref name="expectedVersion"/>;
    /// nothing was written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toVersion"/> is not an earlier version.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The cube's state does not allow changes (Merged, Expired).</exception>
    Task<MemoryRecord> RollbackAsync(long toVersion, long expectedVersion, MemoryEmbedding? embedding, CancellationToken cancellationToken = default);

    /// <summary>Archives the cube (Activated -> <see cref="MemCubeLifecycle.Archived"/>): its text, vector and history
    /// move to the MemVault (<see cref="IMemVaultGrain"/>), the hot state keeps its metadata. The MemScheduler takes it
    /// out of the hot index.</summary>
    /// <param name="expectedVersion">The version the caller read, or null for whatever the version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The archived memory (its text read back from the vault).</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist, was erased or has expired.</exception>
    /// <exception cref="VersionConflictException">The cube is at another version; nothing changed.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The cube is not Activated (the exception names its state).</exception>
    Task<MemoryRecord> ArchiveAsync(long? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Archives the cube (as <see cref="ArchiveAsync"/>) only if it is cold by its own access statistics, which
    /// are more current than any caller's copy: Activated, not pinned, retrieved at most
    /// <paramref name="maxAccessCount"/> times, and neither retrieved nor changed after <paramref name="idleBefore"/>.</summary>
    /// <param name="idleBefore">The latest last use that still counts as cold.</param>
    /// <param name="maxAccessCount">The most retrievals a cold cube may have had.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The archived memory, or null when the cube is not cold (or not Activated, or gone).</returns>
    Task<MemoryRecord?> ArchiveIfColdAsync(DateTimeOffset idleBefore, int maxAccessCount, CancellationToken cancellationToken = default);

    /// <summary>Restores an archived cube (Archived -> <see cref="MemCubeLifecycle.Activated"/>): its payload comes back
    /// from the MemVault, whose copy is then destroyed.</summary>
    /// <param name="expectedVersion">The version the caller read, or null for whatever the version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The memory, active again, at its new version.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist, was erased or has expired.</exception>
    /// <exception cref="VersionConflictException">The cube is at another version; nothing changed.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The cube is not Archived.</exception>
    Task<MemoryRecord> RestoreAsync(long? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Ends the cube's life (-> <see cref="MemCubeLifecycle.Expired"/>) once its time to live has passed; the
    /// payload stays (never returned) until <see cref="PurgeAsync"/>. Called by the MemScheduler's lifecycle sweep.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the cube expired now; <see langword="false"/> when it was already Expired or
    /// Deleted, does not exist, or its time to live has not passed.</returns>
    Task<bool> ExpireAsync(CancellationToken cancellationToken = default);

    /// <summary>Erases an Expired cube whose grace period has passed (as <see cref="DeleteAsync"/> does, change
    /// <c>purged</c>), vault included.</summary>
    /// <param name="graceEnd">Purge only if the cube expired at or before this time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the cube was purged now.</returns>
    Task<bool> PurgeAsync(DateTimeOffset graceEnd, CancellationToken cancellationToken = default);

    /// <summary>Takes in a near-duplicate's provenance (fusion, MemOperator): a new version (change
    /// <c>fused_from_{id}</c>) whose <see cref="MemoryRecord.FusedFrom"/> lists it; text and vector stay.</summary>
    /// <param name="source">The merged cube and its provenance.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The survivor at its new version.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist, was erased or has expired.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The cube is not Activated.</exception>
    Task<MemoryRecord> AbsorbAsync(FusedSource source, CancellationToken cancellationToken = default);

    /// <summary>Marks the cube as fused into <paramref name="survivorId"/> (Activated -> <see cref="MemCubeLifecycle.Merged"/>,
    /// change <c>merged_into_{id}</c>): it is no longer retrieved; its history stays.</summary>
    /// <param name="survivorId">The cube that absorbed it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The merged memory.</returns>
    /// <exception cref="MemoryNotFoundException">The cube does not exist or was erased.</exception>
    /// <exception cref="InvalidLifecycleTransitionException">The cube is not Activated.</exception>
    Task<MemoryRecord> MergeIntoAsync(string survivorId, CancellationToken cancellationToken = default);

    /// <summary>Counts accesses (retrievals) of the cube; persisted lazily, not versioned.</summary>
    /// <param name="count">How many accesses, at least 1.</param>
    /// <param name="lastAccessAt">When the last of them happened.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when counted.</returns>
    Task RecordAccessAsync(int count, DateTimeOffset lastAccessAt, CancellationToken cancellationToken = default);
}
