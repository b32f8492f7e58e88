using System.Globalization;
using System.Text.RegularExpressions;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests.Telemetry;

/// <summary><c>GET /metrics</c> against the rules of the Prometheus text exposition format
/// (prometheus.io/docs/instrumenting/exposition_formats) and the project's naming conventions, on a silo in a process
/// of its own (as in production, one metrics pipeline per process).</summary>
public sealed partial class MetricsEndpointTests : IAsyncLifetime
{
    private SiloProcess _silo = null!;
    private HttpClient _http = null!;
    private MemOS.Client.MemOSClient _client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync();
        _http = new HttpClient { BaseAddress = _silo.BaseAddress };
        _client = new MemOS.Client.MemOSClient(_http);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        await _silo.DisposeAsync();
    }

    private async Task<string> ScrapeAfterTrafficAsync()
    {
        await _client.AddAsync(new AddMemoriesRequest("metrics-user",
            [new ConversationMessage("m1", "Ann", "We adopted a cat. She is called Miso.", null)], "c1"), Cancel);
        await _client.SearchAsync(new SearchRequest("metrics-user", "cat", TokenBudget: 100), Cancel);
        using var response = await _http.GetAsync("metrics", Cancel);
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync(Cancel);
    }

    [Fact]
    public async Task Exposition_FollowsTheTextFormatRules()
    {
        var text = await ScrapeAfterTrafficAsync();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var sampleCount = 0;
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Matches(MetricName(), parts[2]);
                Assert.Contains(parts[3], (string[])["counter", "gauge", "histogram", "summary", "untyped"]);
                Assert.True(types.TryAdd(parts[2], parts[3]), $"{parts[2]} has two TYPE lines");
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var sample = Sample().Match(line);
            Assert.True(sample.Success, $"not a sample line: {line}");
            var name = sample.Groups["name"].Value;
            var family = types.Keys.FirstOrDefault(t => name == t || (types[t] == "histogram" && name is var n
                && (n == t + "_bucket" || n == t + "_sum" || n == t + "_count")));
            Assert.True(family is not null, $"{name} has no TYPE line before it");
            Assert.True(double.TryParse(sample.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                || sample.Groups["value"].Value is "+Inf" or "-Inf" or "NaN", $"bad value in {line}");
            sampleCount++;
        }

        Assert.True(sampleCount > 50, $"only {sampleCount} samples");
        // Conventions (STYLE.md): counters end in _total, durations in seconds, our names under memos_.
        Assert.All(types.Where(t => t.Value == "counter"), t => Assert.EndsWith("_total", t.Key, StringComparison.Ordinal));
        Assert.All(types.Keys.Where(k => k.Contains("duration", StringComparison.Ordinal)),
            k => Assert.EndsWith("_seconds", k, StringComparison.Ordinal));
        foreach (var expected in new[]
                 {
                     "memos_memcubes", "memos_memcube_transitions_total", "memos_runtime_activations", "memos_runtime_activation_created_total",
                     "memos_runtime_call_duration_seconds", "memos_runtime_activation_queue_length", "memos_storage_operation_duration_seconds",
                     "memos_storage_etag_conflicts_total", "memos_scheduler_search_duration_seconds", "memos_scheduler_search_hits_total",
                     "memos_scheduler_add_batch_size", "memos_scheduler_memories_added_total", "memos_embedder_duration_seconds",
                     "memos_embedder_texts_total", "memos_cluster_silos", "http_server_request_duration_seconds",
                 })
        {
            Assert.True(types.ContainsKey(expected), $"{expected} is not exposed");
        }
    }

    [Fact]
    public async Task Histograms_HaveCumulativeBuckets_EndingInInfEqualToTheCount()
    {
        var text = await ScrapeAfterTrafficAsync();
        var series = new Dictionary<string, List<(double Le, double Count)>>(StringComparer.Ordinal);
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in Sample().Matches(text))
        {
            var name = m.Groups["name"].Value;
            var labels = m.Groups["labels"].Value;
            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (name.EndsWith("_bucket", StringComparison.Ordinal))
            {
                var le = Le().Match(labels).Groups[1].Value;
                var key = name[..^7] + "{" + Le().Replace(labels, "") + "}";
                (series.TryGetValue(key, out var list) ? list : series[key] = []).Add((le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture), value));
            }
            else if (name.EndsWith("_count", StringComparison.Ordinal))
            {
                counts[name[..^6] + "{" + labels + "}"] = value;
            }
        }

        Assert.NotEmpty(series);
        foreach (var (key, buckets) in series)
        {
            Assert.Equal(buckets.OrderBy(b => b.Le).Select(b => b.Le), buckets.Select(b => b.Le));
            Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First.Count <= p.Second.Count), $"{key} buckets are not cumulative");
            Assert.Equal(double.PositiveInfinity, buckets[^1].Le);
            Assert.True(counts.Any(c => Normalize(c.Key) == Normalize(key) && c.Value == buckets[^1].Count), $"{key}: +Inf bucket differs from _count");
        }
    }

    private static string Normalize(string key) => string.Join(",", key.Split('{', '}', ',').Where(p => p.Length > 0).Order(StringComparer.Ordinal));

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"",?)*)\})? (?<value>\S+)(?: -?[0-9]+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex(@",?le=""([^""]*)""")]
    private static partial Regex Le();
}
