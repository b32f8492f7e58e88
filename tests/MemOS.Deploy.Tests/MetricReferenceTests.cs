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
        var missing = silo.Metrics.Missing(expressions);
        Assert.True(missing.Count == 0, "Rules name metrics a silo does not export:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void GrafanaDashboard_EveryMetricQueried_IsExportedByALiveSilo()
    {
        var expressions = DeployFiles.DashboardExpressions(DeployFiles.GrafanaDashboard).ToList();

        Assert.True(expressions.Count >= 10, $"expected the dashboard's queries, found {expressions.Count}");
        var missing = silo.Metrics.Missing(expressions);
        Assert.True(missing.Count == 0, "The dashboard queries metrics a silo does not export:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void MetricCheck_ARuleNamingAMissingMetric_Fails()
    {
        var expressions = DeployFiles.AlertRuleFiles.SelectMany(DeployFiles.RuleExpressions)
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

    [GeneratedRegex("""\bjob\s*=\s*"([^"]*)"\s*""")]
    private static partial Regex JobMatcher();
}
