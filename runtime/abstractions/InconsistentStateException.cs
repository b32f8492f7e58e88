namespace MemOS.Runtime;

/// <summary>
/// Thrown by <see cref="IPersistentState{TState}.WriteStateAsync"/> and
/// <see cref="IPersistentState{TState}.ClearStateAsync"/> when the stored ETag no longer matches the one the
/// state was read with: another activation or writer changed it first. Nothing was overwritten.
/// Optimistic-concurrency conflicts pass through storage providers unwrapped.
/// </summary>
public sealed class InconsistentStateException : MemOSException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What conflicted, naming the grain and state.</param>
    /// <param name="storedEtag">The ETag now in storage, or <see langword="null"/> when no record exists.</param>
    /// <param name="currentEtag">The ETag the writer based its write on, or <see langword="null"/> for none.</param>
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The ETag found in storage (<see langword="null"/> when no record exists).</summary>
    public string? StoredEtag { get; }

    /// <summary>The ETag the failed write was based on (<see langword="null"/> for a first write).</summary>
    public string? CurrentEtag { get; }
}
