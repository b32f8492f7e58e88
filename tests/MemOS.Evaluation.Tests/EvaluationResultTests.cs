using System.Text.Json;
using System.Text.Json.Nodes;

namespace MemOS.Evaluation.Tests;

public sealed class EvaluationResultTests
{
    private static RecallReport Report(double value)
    {
        var report = new RecallReport();
        report.Add(1, RecallMetrics.StandardKeys.ToDictionary(k => k, _ => value));
        return report;
    }

    [Fact]
    public void ToJson_Result_HasSystemBaselineAndTiming()
    {
        var result = new EvaluationResult(Report(0.75), Report(0.5), new EvaluationTiming(12.5, 3.25, 40));

        using var json = JsonDocument.Parse(result.ToJson());
        var root = json.RootElement;

        Assert.Equal(["system", "baseline_bm25", "timing"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.75, root.GetProperty("system").GetProperty("overall").GetProperty("recall@10").GetDouble());
        Assert.Equal(0.5, root.GetProperty("baseline_bm25").GetProperty("by_category").GetProperty("1").GetProperty("recall@5").GetDouble());
        var timing = root.GetProperty("timing");
        Assert.Equal(["ingest_s", "search_p50_ms", "search_p99_ms"], timing.EnumerateObject().Select(p => p.Name));
        Assert.Equal(12.5, timing.GetProperty("ingest_s").GetDouble());
        Assert.Equal(3.25, timing.GetProperty("search_p50_ms").GetDouble());
        Assert.Equal(40, timing.GetProperty("search_p99_ms").GetDouble());
    }

    [Fact]
    public void ToJson_AdditionalFields_FollowStandardOnesInOrder()
    {
        var result = new EvaluationResult(Report(1), Report(1), default);
        result.AdditionalFields["config"] = new JsonObject { ["reader"] = "rule-based", ["k"] = 30 };
        result.AdditionalFields["dataset"] = "locomo10-dev";
        result.AdditionalFields["note"] = null;

        using var json = JsonDocument.Parse(result.ToJson(indented: false));
        var root = json.RootElement;

        Assert.Equal(["system", "baseline_bm25", "timing", "config", "dataset", "note"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("rule-based", root.GetProperty("config").GetProperty("reader").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("note").ValueKind);
    }

    [Fact]
    public void ToJson_AdditionalFieldWithStandardName_Throws()
    {
        var result = new EvaluationResult(Report(1), Report(1), default);
        result.AdditionalFields["timing"] = 1;

        Assert.Throws<InvalidOperationException>(() => result.ToJson());
    }

    [Fact]
    public void Save_WritesParseableFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"memos-result-{Guid.NewGuid():N}.json");
        try
        {
            new EvaluationResult(Report(1), Report(0), new EvaluationTiming(1, 2, 3)).Save(path);

            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            Assert.Equal(0, json.RootElement.GetProperty("baseline_bm25").GetProperty("overall").GetProperty("recall@5").GetDouble());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Timing_FromLatencies_UsesNearestRankPercentiles()
    {
        var timing = EvaluationTiming.FromLatencies(4.0, Enumerable.Range(1, 200).Select(i => (double)i).Reverse());

        Assert.Equal(new EvaluationTiming(4.0, 100, 198), timing);
    }
}
