using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MemOS.Inference.Embeddings;

/// <summary>An <see cref="IEmbedder"/> that records how long its inner embedder takes, on the <c>MemOS.Inference</c>
/// meter (<c>memos.embedder.duration</c>, <c>memos.embedder.texts</c>, tagged with the model id), and traces each
/// batch. Vectors, errors and model id are the inner embedder's.</summary>
public sealed class MeasuredEmbedder : IEmbedder, IDisposable
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "MemOS.Inference";

    private static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter? _ownedMeter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _texts;
    private readonly KeyValuePair<string, object?> _model;

    /// <summary>Wraps an embedder.</summary>
    /// <param name="inner">The embedder measured; disposed with this one when it is disposable.</param>
    /// <param name="meterFactory">The host's meter factory, or null for a meter of its own.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public MeasuredEmbedder(IEmbedder inner, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _model = new("embedder.model", inner.ModelId);
        var meter = meterFactory?.Create(Name) ?? (_ownedMeter = new Meter(Name));
        _duration = meter.CreateHistogram<double>(
            "memos.embedder.duration",
            unit: "s",
            description: "Time one embedding call (a batch of texts) takes, by embedder model and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] });
        _texts = meter.CreateCounter<long>("memos.embedder.texts", unit: "{text}", description: "Texts embedded, by embedder model.");
    }

    /// <summary>The embedder measured.</summary>
    public IEmbedder Inner { get; }

    /// <inheritdoc />
    public string ModelId => Inner.ModelId;

    /// <inheritdoc />
    public int Dimension => Inner.Dimension;

    /// <inheritdoc />
    public async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        using var activity = ActivitySource.StartActivity("embed");
        activity?.SetTag("embedder.model", Inner.ModelId);
        activity?.SetTag("memos.texts", texts.Count);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var vectors = await Inner.EmbedAsync(texts, cancellationToken);
            outcome = "ok";
            _texts.Add(texts.Count, _model);
            return vectors;
        }
        finally
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _model, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        (Inner as IDisposable)?.Dispose();
        _ownedMeter?.Dispose();
    }
}
