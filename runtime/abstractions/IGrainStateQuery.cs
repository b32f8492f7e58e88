namespace MemOS.Runtime;

/// <summary>Read-only scans over stored grain state, for grains that keep an index over other grains'
/// state (a MemScheduler rebuilding its search index from its space's MemCubes on activation).
/// A scan reads storage, not live activations: it sees what was last written.</summary>
public interface IGrainStateQuery
{
    /// <summary>Streams every stored record of <paramref name="grainType"/>/<paramref name="stateName"/>
    /// whose grain key starts with <paramref name="keyPrefix"/> (ordinal comparison), in key order.</summary>
    /// <typeparam name="TState">The state type the records were written as.</typeparam>
    /// <param name="grainType">The grain type name (see <see cref="GrainTypeAttribute"/>).</param>
    /// <param name="stateName">The state name (see <see cref="PersistentStateAttribute"/>).</param>
    /// <param name="keyPrefix">The key prefix; empty for all keys.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <returns>The records in ordinal key order.</returns>
    /// <exception cref="MemOSException">The storage provider failed.</exception>
    IAsyncEnumerable<StoredGrainState<TState>> ScanAsync<TState>(
        string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken = default)
        where TState : class, new();
}
