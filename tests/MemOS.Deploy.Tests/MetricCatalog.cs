namespace MemOS.Deploy.Tests;

/// <summary>The sample names a target exposes in the Prometheus text format, and the check that expressions name only
/// those.</summary>
public sealed class MetricCatalog
{
    /// <summary>Series Prometheus makes itself for every target; they never appear on a target's <c>/metrics</c>.</summary>
    public static readonly IReadOnlySet<string> PrometheusOwn = new HashSet<string>(StringComparer.Ordinal)
    {
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added",
    };

    private readonly HashSet<string> _samples;
    private readonly Dictionary<string, string> _families;

    private MetricCatalog(HashSet<string> samples, Dictionary<string, string> families)
    {
        _samples = samples;
        _families = families;
    }

    /// <summary>Every sample name (<c>x_bucket</c>, <c>x_sum</c>, <c>x_count</c> for a histogram <c>x</c>).</summary>
    public IReadOnlySet<string> SampleNames => _samples;

    /// <summary>Metric family name to its <c># TYPE</c>.</summary>
    public IReadOnlyDictionary<string, string> Families => _families;

    public static MetricCatalog Parse(string exposition)
    {
        var samples = new HashSet<string>(StringComparer.Ordinal);
        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 4)
                {
                    families[parts[2]] = parts[3];
                }
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                var end = line.IndexOfAny(['{', ' ']);
                samples.Add(end < 0 ? line : line[..end]);
            }
        }

        return new MetricCatalog(samples, families);
    }

    /// <summary>The metric names the expressions select that are neither exposed nor Prometheus' own, each with where it
    /// was found.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<(string Source, string Expression)> expressions)
    {
        var missing = new List<string>();
        foreach (var (source, expression) in expressions)
        {
            foreach (var name in PromQlMetricNames.Extract(expression).Order(StringComparer.Ordinal))
            {
                if (!_samples.Contains(name) && !PrometheusOwn.Contains(name))
                {
                    missing.Add($"{name} ({Describe(name)}) in {source}: {expression.Trim()}");
                }
            }
        }

        return missing;
    }

    private string Describe(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && _families.TryGetValue(name[..^suffix.Length], out var type))
            {
                return $"{name[..^suffix.Length]} is a {type}, which has no {suffix} series";
            }
        }

        return _families.TryGetValue(name, out var own) ? $"a {own} with no samples" : "not exposed";
    }
}
