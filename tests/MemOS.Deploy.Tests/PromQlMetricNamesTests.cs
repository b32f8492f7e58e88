namespace MemOS.Deploy.Tests;

public sealed class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("up{job=\"memos-silo\"} == 0", "up")]
    [InlineData("histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket{http_route!~\"/metrics|/readyz\"}[5m]))) > 1",
        "http_server_request_duration_seconds_bucket")]
    [InlineData("sum(rate(a_total[5m])) by (instance) / on (instance) group_left (version) b_info", "a_total b_info")]
    [InlineData("sum without (outcome) (rate(x_count{job=~\"$job\", instance=~\"$instance\"}[$__rate_interval]))", "x_count")]
    [InlineData("rate(x_total[${__range}] offset 1h) and ignoring (pod) y unless z > bool 0.5e3", "x_total y z")]
    [InlineData("max_over_time(some:recorded:rule[1h:5m]) # a comment naming not_a_metric", "some:recorded:rule")]
    [InlineData("label_values(up{job=\"memos-silo\"}, instance)", "up")]
    [InlineData("label_values(instance)", "")]
    [InlineData("query_result(topk(5, sum by (grain_type) (memos_runtime_activations)))", "memos_runtime_activations")]
    [InlineData("count(up == 1) + vector(1) * Inf - NaN", "up")]
    [InlineData("memos_memcubes{state=\"a{b}c\", kind='it\\'s'}", "memos_memcubes")]
    public void Extract_Expression_ReturnsOnlyMetricNames(string expression, string expected)
    {
        var names = PromQlMetricNames.Extract(expression);

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Missing_NamesAbsentFromExposition_AreReportedWithTheirSource()
    {
        var catalog = MetricCatalog.Parse("""
            # TYPE memos_memcubes gauge
            memos_memcubes{state="activated"} 2
            # TYPE memos_call_seconds histogram
            memos_call_seconds_bucket{le="+Inf"} 1
            memos_call_seconds_sum 0.1
            memos_call_seconds_count 1
            """);

        var missing = catalog.Missing(
        [
            ("ok", "sum(memos_memcubes) + rate(memos_call_seconds_count[5m]) + up"),
            ("typo", "rate(memos_no_such_metric_total[5m])"),
            ("not a histogram", "histogram_quantile(0.5, rate(memos_memcubes_bucket[5m]))"),
            ("histogram family name", "rate(memos_call_seconds[5m])"),
        ]);

        Assert.Collection(missing,
            m => Assert.StartsWith("memos_no_such_metric_total (not exposed) in typo", m, StringComparison.Ordinal),
            m => Assert.StartsWith("memos_memcubes_bucket (memos_memcubes is a gauge, which has no _bucket series) in not a histogram", m, StringComparison.Ordinal),
            m => Assert.StartsWith("memos_call_seconds (a histogram with no samples) in histogram family name", m, StringComparison.Ordinal));
    }
}
