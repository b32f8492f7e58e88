using MemOS.Grains.Interfaces.Activation;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>An activation MemCube: the KV cache of one memory block (a set of plaintext memories at given versions,
/// rendered by one prompt template) under one model, kept in the silo's KV cache store. Key:
/// <see cref="MemCubeKeys.Cube"/> with the activation id (<c>{tenant}/{spaceKey}/act-...</c>).</summary>
/// <remarks>Its own grain type, beside the plaintext <see cref="IMemCubeGrain"/>: its payload is a reference to a KV cache
/// entry (no text), and its states (<see cref="ActivationState"/>) are those of a cache. It knows its sources' versions:
/// the MemScheduler tells it when one changes (<see cref="InvalidateAsync"/>), and every use checks them again
/// (<see cref="UseAsync"/>); either way it becomes <see cref="ActivationState.Stale"/> and drops its cache.</remarks>
public interface IActivationCubeGrain : IGrainWithStringKey
{
    /// <summary>Creates the cube in <see cref="ActivationState.Pending"/>, or asks a demoted, evicted or failed one for
    /// its cache again (back to Pending). A pending, ready or stale cube is returned unchanged.</summary>
    /// <param name="draft">The block's sources and KV cache key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube; Pending means a worker must compute its cache.</returns>
    /// <exception cref="ArgumentException">The draft has no sources.</exception>
    Task<ActivationRecord> RequestAsync(ActivationDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Records that a worker stored the cache: Pending becomes Ready. A cube that went stale or was demoted in
    /// the meantime stays so, and drops the cache the worker stored.</summary>
    /// <param name="computed">The stored entry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ActivationRecord> CompleteAsync(KvCacheComputed computed, CancellationToken cancellationToken = default);

    /// <summary>Records that the cache could not be computed: Pending becomes Failed.</summary>
    /// <param name="reason">What failed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ActivationRecord> FailAsync(string reason, CancellationToken cancellationToken = default);

    /// <summary>Checks the cube for a chat over a block of <paramref name="sources"/>: when it is Ready and its sources
    /// are exactly these (same ids, same versions), counts the use. Sources that differ make it Stale.</summary>
    /// <param name="sources">The block's memories at their current versions.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube; restore its cache only when <see cref="ActivationRecord.State"/> is Ready.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ActivationRecord> UseAsync(IReadOnlyList<MemorySource> sources, CancellationToken cancellationToken = default);

    /// <summary>Marks the cube Stale because a source memory changed version or was erased, and drops its cache.</summary>
    /// <param name="sourceId">The memory that changed.</param>
    /// <param name="newVersion">Its new version, or null when it was erased.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the cube changed (false when it was stale already or does not hold that source).</returns>
    Task<bool> InvalidateAsync(string sourceId, long? newVersion, CancellationToken cancellationToken = default);

    /// <summary>Demotes a Pending or Ready cube (cold): its cache is dropped.</summary>
    /// <param name="reason">Why (for the record).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the cube changed.</returns>
    Task<bool> DemoteAsync(string reason, CancellationToken cancellationToken = default);

    /// <summary>Records that a chat found the Ready cube's cache gone from the store (evicted): Ready becomes Evicted.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the cube changed.</returns>
    Task<bool> MarkEvictedAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the cube.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ActivationRecord> GetAsync(CancellationToken cancellationToken = default);
}
