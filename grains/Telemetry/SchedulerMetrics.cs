using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MemOS.Grains.Telemetry;

/// <summary>The <c>MemOS.Scheduler</c> instruments and activity source: adds, searches and where search hits came
/// from. One instance per silo, shared by its MemScheduler grains; thread-safe.</summary>
public sealed class SchedulerMetrics : IDisposable
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "MemOS.Scheduler";

    /// <summary>Traces of adds and searches.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter? _ownedMeter;
    private readonly Histogram<double> _searchDuration;
    private readonly Histogram<long> _addBatchSize;
    private readonly Counter<long> _memoriesAdded;
    private readonly Counter<long> _hitSources;
    private long _searches;
    private long _adds;
    private long _added;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The meter factory of the host, or null for a meter of its own.</param>
    public SchedulerMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(Name) ?? (_ownedMeter = new Meter(Name));
        _searchDuration = meter.CreateHistogram<double>(
            "memos.scheduler.search.duration",
            unit: "s",
            description: "Time a MemScheduler search takes inside its grain (embedding, ranking, packing), by whether it had a token budget.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _addBatchSize = meter.CreateHistogram<long>(
            "memos.scheduler.add.batch.size",
            unit: "{message}",
            description: "Messages per add request handled by a MemScheduler.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
        _memoriesAdded = meter.CreateCounter<long>(
            "memos.scheduler.memories.added", unit: "{memory}", description: "MemCubes created by the MemReader from added messages.");
        _hitSources = meter.CreateCounter<long>(
            "memos.scheduler.search.hits",
            unit: "{hit}",
            description: "Search hits returned, by the recall path that found them: lexical (BM25 only), dense (embedding only), both, neighbour (expansion only).");
    }

    /// <summary>Searches served since the silo started.</summary>
    public long Searches => Interlocked.Read(ref _searches);

    /// <summary>Add requests served since the silo started.</summary>
    public long Adds => Interlocked.Read(ref _adds);

    /// <summary>Memories created since the silo started.</summary>
    public long MemoriesAdded => Interlocked.Read(ref _added);

    /// <summary>Records an add.</summary>
    /// <param name="messages">Messages in the request.</param>
    /// <param name="created">Memories created.</param>
    public void RecordAdd(int messages, int created)
    {
        Interlocked.Increment(ref _adds);
        Interlocked.Add(ref _added, created);
        _addBatchSize.Record(messages);
        _memoriesAdded.Add(created);
    }

    /// <summary>Records a search.</summary>
    /// <param name="duration">How long it took.</param>
    /// <param name="budgeted">Whether it had a token budget.</param>
    /// <param name="lexical">Hits found by BM25 only.</param>
    /// <param name="dense">Hits found by the embedding only.</param>
    /// <param name="both">Hits found by both rankers.</param>
    /// <param name="neighbour">Hits that came in only as neighbours of other hits.</param>
    public void RecordSearch(TimeSpan duration, bool budgeted, int lexical, int dense, int both, int neighbour)
    {
        Interlocked.Increment(ref _searches);
        _searchDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("budgeted", budgeted ? "true" : "false"));
        Count("lexical", lexical);
        Count("dense", dense);
        Count("both", both);
        Count("neighbour", neighbour);
    }

    /// <inheritdoc />
    public void Dispose() => _ownedMeter?.Dispose();

    private void Count(string source, int hits)
    {
        if (hits > 0)
        {
            _hitSources.Add(hits, new KeyValuePair<string, object?>("source", source));
        }
    }
}
