using System.Text.Json.Serialization;
using MemOS.Evaluation;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>The distribution of measured latencies, in milliseconds (nearest-rank percentiles, <see cref="Percentiles"/>).</summary>
/// <param name="Count">How many measurements.</param>
/// <param name="MedianMilliseconds">The median.</param>
/// <param name="P99Milliseconds">The 99th percentile.</param>
/// <param name="MeanMilliseconds">The mean.</param>
/// <param name="MinMilliseconds">The fastest.</param>
/// <param name="MaxMilliseconds">The slowest.</param>
public sealed record LatencySummary(
    [property: JsonPropertyName("n")] int Count,
    [property: JsonPropertyName("median_ms")] double MedianMilliseconds,
    [property: JsonPropertyName("p99_ms")] double P99Milliseconds,
    [property: JsonPropertyName("mean_ms")] double MeanMilliseconds,
    [property: JsonPropertyName("min_ms")] double MinMilliseconds,
    [property: JsonPropertyName("max_ms")] double MaxMilliseconds)
{
    /// <summary>Summarizes measurements.</summary>
    /// <param name="milliseconds">The latencies; not empty.</param>
    /// <returns>The summary.</returns>
    public static LatencySummary Of(IReadOnlyCollection<double> milliseconds)
    {
        var p = Percentiles.NearestRank(milliseconds, 50, 99);
        return new LatencySummary(milliseconds.Count, p[0], p[1], milliseconds.Average(), milliseconds.Min(), milliseconds.Max());
    }
}
