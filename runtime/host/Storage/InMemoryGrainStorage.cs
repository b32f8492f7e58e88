using System.Runtime.CompilerServices;

namespace MemOS.Runtime.Storage;

/// <summary>
/// Grain storage in process memory, with the same ETag semantics as <see cref="SqliteGrainStorage"/>: for unit
/// tests of grains and throwaway silos. Everything is lost when the process exits.
/// </summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<(string GrainType, string StateName, string GrainKey), GrainStorageRecord> _records =
        new(Comparer<(string, string, string)>.Create(static (x, y) =>
        {
            var byType = string.CompareOrdinal(x.Item1, y.Item1);
            if (byType != 0)
            {
                return byType;
            }

            var byState = string.CompareOrdinal(x.Item2, y.Item2);
            return byState != 0 ? byState : string.CompareOrdinal(x.Item3, y.Item3);
        }));

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<GrainStorageRecord?> ReadAsync(
        string grainType, string stateName, string grainKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_records.GetValueOrDefault((grainType, stateName, grainKey)));
        }
    }

    /// <inheritdoc />
    public Task<string> WriteAsync(
        string grainType,
        string stateName,
        string grainKey,
        ReadOnlyMemory<byte> payload,
        string? expectedEtag,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainKey);
        cancellationToken.ThrowIfCancellationRequested();
        var id = (grainType, stateName, grainKey);
        lock (_lock)
        {
            var stored = _records.GetValueOrDefault(id)?.Etag;
            if (!string.Equals(stored, expectedEtag, StringComparison.Ordinal))
            {
                throw GrainStorageConflict.Create("write", grainType, stateName, grainKey, stored, expectedEtag);
            }

            var etag = Guid.NewGuid().ToString("N");

            // Copied so a caller reusing its buffer cannot change what is "stored".
            _records[id] = new GrainStorageRecord(grainKey, payload.ToArray(), etag);
            return Task.FromResult(etag);
        }
    }

    /// <inheritdoc />
    public Task ClearAsync(
        string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var id = (grainType, stateName, grainKey);
        lock (_lock)
        {
            var stored = _records.GetValueOrDefault(id)?.Etag;
            if (!string.Equals(stored, expectedEtag, StringComparison.Ordinal))
            {
                throw GrainStorageConflict.Create("clear", grainType, stateName, grainKey, stored, expectedEtag);
            }

            _records.Remove(id);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        List<GrainStorageRecord> matches;
        lock (_lock)
        {
            matches = _records
                .Where(pair => pair.Key.GrainType == grainType
                    && pair.Key.StateName == stateName
                    && pair.Key.GrainKey.StartsWith(keyPrefix, StringComparison.Ordinal))
                .Select(pair => pair.Value)
                .ToList();
        }

        foreach (var record in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
