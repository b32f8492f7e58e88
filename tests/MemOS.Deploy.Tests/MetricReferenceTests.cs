using System.Text.RegularExpressions;

namespace MemOS.Deploy.Tests;

/// <summary>The alert rules and the Grafana dashboard name only metrics that a live silo exports, and only jobs that
/// the Prometheus configs scrape.</summary>
[Collection(LiveSiloCollection.Name)]
public sealed partial class MetricReferenceTests(LiveSiloFixture silo)
{
    [Fact]
    public void AlertRules_EveryMetricNamed_IsExportedByALiveSilo()
    {
        var expressions = DeployFiles.AlertRuleFiles.SelectMany(DeployFiles.RuleExpressions).ToList();

        Assert.True(expressions.Count >= 4, $"expected the alert rules, found {expressions.Count} expressions");
        AssertExported(expressions, "Rules name metrics a silo does not export");
    }

    [Fact]
    public void GrafanaDashboard_EveryMetricQueried_IsExportedByALiveSilo()
    {
        var expressions = DeployFiles.DashboardExpressions(DeployFiles.GrafanaDashboard).ToList();

        Assert.True(expressions.Count >= 10, $"expected the dashboard's queries, found {expressions.Count}");
        AssertExported(expressions, "The dashboard queries metrics a silo does not export");
    }

    [Fact]
    public void ActivationMemoryMetrics_AreExportedByASiloWithAGenerationModel()
    {
        silo.RequireInference();
        foreach (var name in new[]
                 {
                     "memos_kvcache_size_bytes", "memos_kvcache_capacity_bytes", "memos_kvcache_entries", "memos_kvcache_hits_total",
                     "memos_kvcache_misses_total", "memos_kvcache_evictions_total", "memos_kvcache_precompute_duration_seconds_bucket",
                     "memos_kvcache_precompute_batch_size_bucket", "memos_chat_time_to_first_token_seconds_bucket", "memos_activation_decisions_total",
                 })
        {
            Assert.True(silo.Metrics.SampleNames.Contains(name), $"{name} is not on /metrics; it has: {string.Join(", ", silo.Metrics.SampleNames.Where(n => n.StartsWith("memos_", StringComparison.Ordinal)).Order())}");
        }
    }

    [Fact]
    public void MetricCheck_ARuleNamingAMissingMetric_Fails()
    {
        // Without a generation model the silo lacks the activation-memory metrics by design: leave out the rules on them.
        var expressions = DeployFiles.AlertRuleFiles.SelectMany(DeployFiles.RuleExpressions)
            .Where(e => silo.InferenceSkipReason is null || !LiveSiloFixture.InferenceMetricPrefixes.Any(p => e.Expression.Contains(p, StringComparison.Ordinal)))
            .Append(("a broken rule", "rate(memos_storage_etag_conflict_total[5m]) > 0"))
            .Append(("a gauge read as a histogram", "histogram_quantile(0.99, rate(memos_memcubes_bucket[5m]))"));

        var missing = silo.Metrics.Missing(expressions);

        Assert.Equal(2, missing.Count);
        Assert.Contains(missing, m => m.StartsWith("memos_storage_etag_conflict_total (not exposed) in a broken rule", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("memos_memcubes_bucket (memos_memcubes is a gauge", StringComparison.Ordinal));
    }

    [Fact]
    public void RulesAndDashboard_JobsNamed_AreJobsEveryPrometheusConfigScrapes()
    {
        var expressions = DeployFiles.AlertRuleFiles.SelectMany(DeployFiles.RuleExpressions)
            .Concat(DeployFiles.DashboardExpressions(DeployFiles.GrafanaDashboard));
        var named = expressions.SelectMany(e => JobMatcher().Matches(e.Expression).Select(m => (e.Source, Job: m.Groups[1].Value))).ToList();
        Assert.NotEmpty(named);

        foreach (var config in new[] { "prometheus.yml", "prometheus-kubernetes.yml" })
        {
            var document = Assert.Single(DeployFiles.LoadYaml(DeployFiles.Path("prometheus", config)));
            var jobs = DeployFiles.List(DeployFiles.Get(document, "scrape_configs"), $"{config}: scrape_configs")
                .Select(job => DeployFiles.GetString(job, "job_name")).ToHashSet();
            var unknown = named.Where(n => !jobs.Contains(n.Job)).Select(n => $"{n.Source}: job=\"{n.Job}\"").Distinct().ToList();
            Assert.True(unknown.Count == 0, $"{config} scrapes no such job:\n" + string.Join("\n", unknown));
        }
    }

    /// <summary>Every metric the expressions name is exported; on a silo without a generation model the activation-memory
    /// metrics are left out of the check, and the test then skips saying so (after checking all the others).</summary>
    private void AssertExported(IEnumerable<(string Source, string Expression)> expressions, string failure)
    {
        var missing = silo.Metrics.Missing(expressions);
        var skipped = silo.InferenceSkipReason is null
            ? []
            : missing.Where(m => LiveSiloFixture.InferenceMetricPrefixes.Any(p => m.StartsWith(p, StringComparison.Ordinal))).ToList();
        missing = [.. missing.Except(skipped)];
        Assert.True(missing.Count == 0, failure + ":\n" + string.Join("\n", missing));
        Assert.SkipWhen(skipped.Count > 0,
            $"Every other metric is exported; {skipped.Count} activation-memory references were not checked: {silo.InferenceSkipReason}");
    }

    [GeneratedRegex("""\bjob\s*=\s*"([^"]*)"\s*""")]
    private static partial Regex JobMatcher();
}
