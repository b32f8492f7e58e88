using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace MemOS.Runtime.Storage;

/// <summary>Wraps the grain storage provider with the <c>MemOS.Storage</c> instruments: the duration of each
/// operation and the ETag conflicts (optimistic-concurrency losses) it reports. Behaviour is the provider's.</summary>
internal sealed class MeasuredGrainStorage : IGrainStorage, IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "MemOS.Storage";

    private readonly IGrainStorage _inner;
    private readonly Meter? _ownedMeter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _conflicts;
    private readonly KeyValuePair<string, object?> _provider;

    public MeasuredGrainStorage(IGrainStorage inner, IMeterFactory? meterFactory)
    {
        _inner = inner;
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        _provider = new("storage.provider", inner switch
        {
            SqliteGrainStorage => "sqlite",
            PostgresGrainStorage => "postgres",
            InMemoryGrainStorage => "in_memory",
            _ => inner.GetType().Name,
        });
        _duration = meter.CreateHistogram<double>(
            "memos.storage.operation.duration",
            unit: "s",
            description: "Time a grain storage operation takes, by operation (read, write, clear, scan) and outcome (ok, conflict, error).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _conflicts = meter.CreateCounter<long>(
            "memos.storage.etag.conflicts",
            unit: "{conflict}",
            description: "Writes and clears refused because the stored ETag had moved on (another writer won).");
        // Exported from the start (as 0), so that rates and alerts over it have a series before the first conflict.
        _conflicts.Add(0, _provider);
    }

    public Task InitializeAsync(CancellationToken cancellationToken = default) => _inner.InitializeAsync(cancellationToken);

    public Task<GrainStorageRecord?> ReadAsync(string grainType, string stateName, string grainKey, CancellationToken cancellationToken = default)
        => MeasureAsync("read", () => _inner.ReadAsync(grainType, stateName, grainKey, cancellationToken));

    public Task<string> WriteAsync(
        string grainType, string stateName, string grainKey, ReadOnlyMemory<byte> payload, string? expectedEtag,
        CancellationToken cancellationToken = default)
        => MeasureAsync("write", () => _inner.WriteAsync(grainType, stateName, grainKey, payload, expectedEtag, cancellationToken));

    public Task ClearAsync(string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default)
        => MeasureAsync("clear", async () =>
        {
            await _inner.ClearAsync(grainType, stateName, grainKey, expectedEtag, cancellationToken);
            return true;
        });

    public async IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            await foreach (var record in _inner.ScanAsync(grainType, stateName, keyPrefix, cancellationToken))
            {
                yield return record;
            }

            outcome = "ok";
        }
        finally
        {
            Record("scan", outcome, started);
        }
    }

    /// <summary>Releases the meter this wrapper owns; the provider itself belongs to its container.</summary>
    public void Dispose() => _ownedMeter?.Dispose();

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> run)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await run();
            outcome = "ok";
            return result;
        }
        catch (InconsistentStateException)
        {
            outcome = "conflict";
            _conflicts.Add(1, _provider);
            throw;
        }
        finally
        {
            Record(operation, outcome, started);
        }
    }

    private void Record(string operation, string outcome, long started)
    {
        if (_duration.Enabled)
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new TagList { _provider, { "operation", operation }, { "outcome", outcome } });
        }
    }
}
