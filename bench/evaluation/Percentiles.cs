namespace MemOS.Evaluation;

/// <summary>Percentiles of measured values (latencies), by the nearest-rank method.</summary>
/// <remarks>
/// Nearest rank: the p-th percentile of n values sorted ascending is the value at 1-based rank
/// <c>max(1, ceil(p · n / 100))</c>. It is always one of the measured values, never an interpolation between two:
/// p99 of 1,000 samples is the 990th smallest, and of fewer than 100 samples the maximum.
/// </remarks>
public static class Percentiles
{
    /// <summary>The nearest-rank percentile of a set of values.</summary>
    /// <param name="values">The values, in any order; not empty, no NaN.</param>
    /// <param name="percentile">The percentile p, in [0, 100] (50 for the median, 99 for p99).</param>
    /// <returns>The value at rank <c>max(1, ceil(p · n / 100))</c> of the sorted values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is outside [0, 100].</exception>
    public static double NearestRank(IEnumerable<double> values, double percentile)
    {
        ArgumentNullException.ThrowIfNull(values);
        return AtRank(Sorted(values), percentile);
    }

    /// <summary>Several nearest-rank percentiles of one set of values, sorting it once.</summary>
    /// <param name="values">The values, in any order; not empty, no NaN.</param>
    /// <param name="percentiles">The percentiles, each in [0, 100].</param>
    /// <returns>One value per requested percentile, in the same order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A percentile is outside [0, 100].</exception>
    public static double[] NearestRank(IEnumerable<double> values, params ReadOnlySpan<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = Sorted(values);
        var result = new double[percentiles.Length];
        for (var i = 0; i < percentiles.Length; i++)
        {
            result[i] = AtRank(sorted, percentiles[i]);
        }

        return result;
    }

    private static double[] Sorted(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("At least one value is needed.", nameof(values));
        }

        if (Array.Exists(sorted, double.IsNaN))
        {
            throw new ArgumentException("The values hold NaN.", nameof(values));
        }

        Array.Sort(sorted);
        return sorted;
    }

    private static double AtRank(double[] sorted, double percentile)
    {
        if (!(percentile >= 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile is in [0, 100].");
        }

        // p · n / 100 rather than p / 100 · n: for whole p and n the product is exact, so ceil() cannot round a
        // rank such as 99 up to 100.
        var rank = (int)Math.Ceiling(percentile * sorted.Length / 100);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
