namespace MemOS.Evaluation.Tests;

public sealed class RecallMetricsTests
{
    [Fact]
    public void StandardKeys_AreTheSevenReportedMetricsInOrder()
    {
        Assert.Equal(
            ["recall@5", "recall@10", "recall@20", "recall@30", "recall@500tok", "recall@1000tok", "recall@2000tok"],
            RecallMetrics.StandardKeys);
    }

    [Fact]
    public void EvidenceRecall_CoveredSet_IsShareOfGoldCovered()
    {
        Assert.Equal(0.5, RecallMetrics.EvidenceRecall(["D1:1", "D1:2"], new HashSet<string> { "D1:2", "D1:3" }));
        Assert.Equal(1.0, RecallMetrics.EvidenceRecall(["D1:1"], new HashSet<string> { "D1:1" }));
        Assert.Equal(0.0, RecallMetrics.EvidenceRecall(["D1:1"], new HashSet<string>()));
    }

    [Fact]
    public void EvidenceRecall_MemoriesCoveringSeveralTurns_UseUnionOfProvenance()
    {
        string[][] memories = [["D1:1"], ["D1:2", "D1:3"], ["D1:1", "D5:5"]];

        Assert.Equal(2.0 / 3.0, RecallMetrics.EvidenceRecall(["D1:1", "D1:2", "D2:1"], memories));
        Assert.Equal(["D1:1", "D1:2", "D1:3", "D5:5"], RecallMetrics.Covered(memories).Order());
    }

    [Fact]
    public void EvidenceRecall_DuplicateGold_CountsOnce()
    {
        Assert.Equal(0.5, RecallMetrics.EvidenceRecall(["D1:1", "D1:1", "D1:2"], new HashSet<string> { "D1:1" }));
    }

    [Fact]
    public void EvidenceRecall_EmptyGold_Throws()
    {
        Assert.Throws<ArgumentException>(() => RecallMetrics.EvidenceRecall([], new HashSet<string> { "D1:1" }));
    }

    [Fact]
    public void ForRanking_UniformLines_CutoffsAndBudgetsMatchHandCount()
    {
        // 40 memories, each rendered as 396 characters (99 tokens alone); n joined lines take 397n - 1 characters:
        // 500 tokens hold 5 lines (1,984 chars), 1000 hold 10 (3,969), 2000 hold 20 (7,939).
        var ranked = Enumerable.Range(0, 40).Select(i => "D1:" + i).ToList();
        string[] gold = ["D1:3", "D1:8", "D1:25"];

        var values = RecallMetrics.ForRanking(gold, ranked, id => [id], _ => new string('x', 396));

        Assert.Equal(1.0 / 3, values["recall@5"]);
        Assert.Equal(2.0 / 3, values["recall@10"]);
        Assert.Equal(2.0 / 3, values["recall@20"]);
        Assert.Equal(1.0, values["recall@30"]);
        Assert.Equal(1.0 / 3, values["recall@500tok"]);
        Assert.Equal(2.0 / 3, values["recall@1000tok"]);
        Assert.Equal(2.0 / 3, values["recall@2000tok"]);
    }

    [Fact]
    public void ForRanking_LongLineOverBudget_IsSkippedAndLaterMemoriesCount()
    {
        // The first memory alone is 600 tokens: it is left out of the 500-token context, the next ones still fit.
        string[] ranked = ["D1:1", "D1:2"];
        var values = RecallMetrics.ForRanking(["D1:1", "D1:2"], ranked, id => [id], id => id == "D1:1" ? new string('x', 2400) : "short");

        Assert.Equal(0.5, values["recall@500tok"]);
        Assert.Equal(1.0, values["recall@1000tok"]);
        Assert.Equal(1.0, values["recall@5"]);
    }
}
