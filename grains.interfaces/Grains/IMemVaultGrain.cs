using MemOS.Grains.Interfaces.Memories;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>The MemVault slot of one MemCube: cold storage for an archived cube's payload, apart from the hot state the
/// MemScheduler scans when it rebuilds its index (grain type <c>memvault</c>, same key as the cube, placed with it).
/// Only the cube's own grain calls it.</summary>
public interface IMemVaultGrain : IGrainWithStringKey
{
    /// <summary>Stores the payload, replacing any held.</summary>
    /// <param name="entry">The payload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the entry is durable.</returns>
    Task PutAsync(MemVaultEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Returns the payload held, or null.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or null when none is held.</returns>
    Task<MemVaultEntry?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Destroys the payload held (its stored row is deleted), if any.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when nothing is stored any more.</returns>
    Task EraseAsync(CancellationToken cancellationToken = default);
}
