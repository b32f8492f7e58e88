using System.Text.Json;

namespace MemOS.Evaluation.Tests;

public sealed class RecallReportTests
{
    private static Dictionary<string, double> All(double value)
        => RecallMetrics.StandardKeys.ToDictionary(k => k, _ => value);

    private static RecallReport Sample()
    {
        var report = new RecallReport();
        report.Add(1, All(0.5));
        report.Add(1, All(1.0));
        report.Add(2, All(0.0));
        var mixed = All(0.25);
        mixed["recall@30"] = 1.0;
        report.Add(4, mixed);
        report.AddExcluded();
        return report;
    }

    [Fact]
    public void Means_HandComputed_OverallWeighsQuestionsEqually()
    {
        var report = Sample();

        Assert.Equal(4, report.Questions);
        Assert.Equal(1, report.ExcludedQuestions);
        Assert.Equal((0.5 + 1.0 + 0.0 + 0.25) / 4, report.Overall()["recall@5"]);
        Assert.Equal((0.5 + 1.0 + 0.0 + 1.0) / 4, report.Overall()["recall@30"]);
        Assert.Equal(0.75, report.ByCategory(1)["recall@2000tok"]);
        Assert.Equal(0.0, report.ByCategory(2)["recall@10"]);
        Assert.True(double.IsNaN(report.ByCategory(3)["recall@10"]));
        Assert.Equal(1.0, report.ByCategory(4)["recall@30"]);
        Assert.Equal([2, 1, 0, 1], Enumerable.Range(1, 4).Select(report.CategoryQuestions));
    }

    [Fact]
    public void ToJson_OneQuestion_HasExactShape()
    {
        var report = new RecallReport();
        report.Add(3, All(1.0));

        const string Nulls = "\"recall@5\":null,\"recall@10\":null,\"recall@20\":null,\"recall@30\":null,\"recall@500tok\":null,\"recall@1000tok\":null,\"recall@2000tok\":null";
        const string Ones = "\"recall@5\":1,\"recall@10\":1,\"recall@20\":1,\"recall@30\":1,\"recall@500tok\":1,\"recall@1000tok\":1,\"recall@2000tok\":1";
        Assert.Equal(
            "{\"questions\":1,\"overall\":{" + Ones + "},\"by_category\":{"
            + "\"1\":{\"questions\":0," + Nulls + "},"
            + "\"2\":{\"questions\":0," + Nulls + "},"
            + "\"3\":{\"questions\":1," + Ones + "},"
            + "\"4\":{\"questions\":0," + Nulls + "}}}",
            report.ToJson());
    }

    [Fact]
    public void ToJson_Sample_ParsesWithExpectedValues()
    {
        using var json = JsonDocument.Parse(Sample().ToJson(indented: true));
        var root = json.RootElement;

        Assert.Equal(["questions", "overall", "by_category"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, root.GetProperty("questions").GetInt32());
        Assert.Equal(RecallMetrics.StandardKeys, root.GetProperty("overall").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.4375, root.GetProperty("overall").GetProperty("recall@5").GetDouble());
        var byCategory = root.GetProperty("by_category");
        Assert.Equal(["1", "2", "3", "4"], byCategory.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, byCategory.GetProperty("1").GetProperty("questions").GetInt32());
        Assert.Equal(0.75, byCategory.GetProperty("1").GetProperty("recall@500tok").GetDouble());
        Assert.Equal(JsonValueKind.Null, byCategory.GetProperty("3").GetProperty("recall@5").ValueKind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Add_CategoryOutsideOneToFour_Throws(int category)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecallReport().Add(category, All(1)));
    }

    [Fact]
    public void Add_MissingKeyOrValueOutsideUnitInterval_Throws()
    {
        var report = new RecallReport();
        var missing = All(1);
        missing.Remove("recall@20");

        Assert.Throws<ArgumentException>(() => report.Add(1, missing));
        Assert.Throws<ArgumentException>(() => report.Add(1, All(1.5)));
        Assert.Throws<ArgumentException>(() => report.Add(1, All(double.NaN)));
        Assert.Equal(0, report.Questions);
    }

    [Fact]
    public void Constructor_CustomKeys_ReportsThoseKeys()
    {
        var report = new RecallReport(["recall@1"]);
        report.Add(2, new Dictionary<string, double> { ["recall@1"] = 0.5 });

        Assert.Equal("{\"questions\":1,\"overall\":{\"recall@1\":0.5},\"by_category\":{\"1\":{\"questions\":0,\"recall@1\":null},"
            + "\"2\":{\"questions\":1,\"recall@1\":0.5},\"3\":{\"questions\":0,\"recall@1\":null},\"4\":{\"questions\":0,\"recall@1\":null}}}",
            report.ToJson());
        Assert.Throws<ArgumentException>(() => new RecallReport(["questions"]));
        Assert.Throws<ArgumentException>(() => new RecallReport(["a", "a"]));
        Assert.Throws<ArgumentException>(() => new RecallReport([]));
    }
}
