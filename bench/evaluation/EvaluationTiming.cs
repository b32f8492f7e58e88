namespace MemOS.Evaluation;

/// <summary>The timings of one evaluation run, as written under <c>"timing"</c> by <see cref="EvaluationResult"/>.</summary>
/// <param name="IngestSeconds">Wall-clock seconds to ingest every conversation (<c>ingest_s</c>).</param>
/// <param name="SearchP50Milliseconds">Median search latency in milliseconds (<c>search_p50_ms</c>).</param>
/// <param name="SearchP99Milliseconds">99th-percentile search latency in milliseconds (<c>search_p99_ms</c>).</param>
public readonly record struct EvaluationTiming(double IngestSeconds, double SearchP50Milliseconds, double SearchP99Milliseconds)
{
    /// <summary>Builds the timings from an ingest time and the measured search latencies (nearest-rank percentiles,
    /// <see cref="Percentiles"/>).</summary>
    /// <param name="ingestSeconds">Wall-clock seconds to ingest.</param>
    /// <param name="searchLatenciesMilliseconds">Every search's latency in milliseconds; not empty.</param>
    /// <returns>The timings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="searchLatenciesMilliseconds"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="searchLatenciesMilliseconds"/> is empty or holds NaN.</exception>
    public static EvaluationTiming FromLatencies(double ingestSeconds, IEnumerable<double> searchLatenciesMilliseconds)
    {
        var p = Percentiles.NearestRank(searchLatenciesMilliseconds, 50, 99);
        return new EvaluationTiming(ingestSeconds, p[0], p[1]);
    }
}
