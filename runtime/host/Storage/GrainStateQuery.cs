using System.Runtime.CompilerServices;

namespace MemOS.Runtime.Storage;

/// <summary><see cref="IGrainStateQuery"/> over the silo's <see cref="IGrainStorage"/>.</summary>
internal sealed class GrainStateQuery(IGrainStorage storage, GrainStateSerializer serializer) : IGrainStateQuery
{
    public async IAsyncEnumerable<StoredGrainState<TState>> ScanAsync<TState>(
        string grainType, string stateName, string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        await foreach (var record in storage.ScanAsync(grainType, stateName, keyPrefix, cancellationToken).ConfigureAwait(false))
        {
            var state = serializer.Deserialize<TState>(record.Payload, grainType, stateName, record.GrainKey);
            yield return new StoredGrainState<TState>(record.GrainKey, state, record.Etag);
        }
    }
}
