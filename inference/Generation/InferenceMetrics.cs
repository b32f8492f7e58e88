using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MemOS.Inference.KvCache;

namespace MemOS.Inference.Generation;

/// <summary>The activation-memory instruments of the <c>MemOS.Inference</c> meter: the KV cache store (bytes, entries,
/// hits, misses, evictions), KV precompute (duration and batch size of each multi-sequence decode), time to first
/// token of chats by the form the memories took, and the MemScheduler's promotion and demotion decisions. One per silo;
/// thread-safe.</summary>
/// <remarks>The store's instruments report nothing until <see cref="ObserveStore"/> is called (a silo without a
/// generation model exports none of them).</remarks>
public sealed class InferenceMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "MemOS.Inference";

    /// <summary>The <c>memory_form</c> tag value of a chat whose memory block was restored from its KV cache.</summary>
    public const string ActivationForm = "activation";

    /// <summary>The <c>memory_form</c> tag value of a chat whose memories were prefilled as text (or that had none).</summary>
    public const string PlaintextForm = "plaintext";

    private readonly Meter? _ownedMeter;
    private readonly Histogram<double> _precomputeDuration;
    private readonly Histogram<long> _precomputeBatch;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _decisions;
    private readonly ConcurrentDictionary<string, long> _decisionCounts = new(StringComparer.Ordinal);
    private volatile KvCacheStore? _store;
    private long _decodes;
    private long _decodedRequests;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The host's meter factory, or null for a meter of its own.</param>
    public InferenceMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        meter.CreateObservableUpDownCounter("memos.kvcache.size", () => Store(s => s.TotalBytes),
            unit: "By", description: "Bytes of KV cache state held by this silo's KV cache store.");
        meter.CreateObservableUpDownCounter("memos.kvcache.capacity", () => Store(s => s.MaxBytes),
            unit: "By", description: "The KV cache store's size cap: writing past it evicts the least recently used entries.");
        meter.CreateObservableUpDownCounter("memos.kvcache.entries", () => Store(s => s.Count),
            unit: "{entry}", description: "KV caches held by this silo's KV cache store.");
        meter.CreateObservableCounter("memos.kvcache.hits", () => Store(s => s.Hits),
            unit: "{read}", description: "KV cache reads that found their entry (an activation restored).");
        meter.CreateObservableCounter("memos.kvcache.misses", () => Store(s => s.Misses),
            unit: "{read}", description: "KV cache reads that found no entry or a damaged one (the memories were prefilled as text instead).");
        meter.CreateObservableCounter("memos.kvcache.evictions", () => Store(s => s.Evictions),
            unit: "{entry}", description: "KV caches evicted, least recently used first, to keep the store within its size cap.");
        _precomputeDuration = meter.CreateHistogram<double>(
            "memos.kvcache.precompute.duration",
            unit: "s",
            description: "Time one KV-precompute decode takes: a batch of memory blocks decoded as one multi-sequence batch, their states saved and stored.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _precomputeBatch = meter.CreateHistogram<long>(
            "memos.kvcache.precompute.batch.size",
            unit: "{request}",
            description: "Memory blocks decoded together in one KV-precompute decode.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _timeToFirstToken = meter.CreateHistogram<double>(
            "memos.chat.time_to_first_token",
            unit: "s",
            description: "Time from the start of a chat's prompt processing (KV restore or prefill) to its first generated token, by the form its memories took (activation, plaintext).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _decisions = meter.CreateCounter<long>(
            "memos.activation.decisions",
            unit: "{decision}",
            description: "Activation-memory decisions of the MemSchedulers, by outcome: promoted, rejected_unstable, demoted_idle, demoted_capacity, invalidated, evicted.");
    }

    /// <summary>KV-precompute decodes since the silo started (each a batch of at most the precompute batch size).</summary>
    public long PrecomputeDecodes => Interlocked.Read(ref _decodes);

    /// <summary>Memory blocks computed by those decodes.</summary>
    public long PrecomputedBlocks => Interlocked.Read(ref _decodedRequests);

    /// <summary>Reports a store's size, entries, hits, misses and evictions from now on.</summary>
    /// <param name="store">The silo's KV cache store.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    public void ObserveStore(KvCacheStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>Records one KV-precompute decode.</summary>
    /// <param name="duration">How long it took (decode, save and store).</param>
    /// <param name="batchSize">The blocks it decoded together, at least 1.</param>
    public void RecordPrecompute(TimeSpan duration, int batchSize)
    {
        Interlocked.Increment(ref _decodes);
        Interlocked.Add(ref _decodedRequests, batchSize);
        _precomputeDuration.Record(duration.TotalSeconds);
        _precomputeBatch.Record(batchSize);
    }

    /// <summary>Records a chat's time to first token.</summary>
    /// <param name="timeToFirstToken">The time.</param>
    /// <param name="form"><see cref="ActivationForm"/> or <see cref="PlaintextForm"/>.</param>
    public void RecordTimeToFirstToken(TimeSpan timeToFirstToken, string form)
        => _timeToFirstToken.Record(timeToFirstToken.TotalSeconds, new KeyValuePair<string, object?>("memory_form", form));

    /// <summary>Counts an activation decision.</summary>
    /// <param name="outcome">A low-cardinality outcome name (for example <c>promoted</c>).</param>
    public void RecordDecision(string outcome)
    {
        _decisionCounts.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
        _decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>How many decisions of an outcome were counted since the silo started.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The count.</returns>
    public long Decisions(string outcome) => _decisionCounts.GetValueOrDefault(outcome);

    /// <inheritdoc />
    public void Dispose() => _ownedMeter?.Dispose();

    private IEnumerable<Measurement<long>> Store(Func<KvCacheStore, long> read)
        => _store is { } store ? [new Measurement<long>(read(store))] : [];
}
