using MemOS.Evaluation.LoCoMo;

namespace MemOS.Evaluation.Tests.LoCoMo;

/// <summary>Checks against the real development split at <c>../shared/data/locomo</c> (never copied into the repo).</summary>
public sealed class RealDatasetTests
{
    private static readonly string? DatasetPath = FindDataset();

    private static string? FindDataset()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", "locomo", "locomo10-dev.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static LoCoMoDataset LoadOrSkip()
    {
        if (DatasetPath is null)
        {
            Assert.Skip($"LoCoMo dev split not found: no shared/data/locomo/locomo10-dev.json above {AppContext.BaseDirectory} (expected at ../shared beside the repository).");
        }

        return LoCoMoDataset.Load(DatasetPath);
    }

    [Fact]
    public void Load_DevSplit_HasSevenConversationsAnd1347Questions()
    {
        var dataset = LoadOrSkip();

        Assert.Equal(["conv-26", "conv-30", "conv-41", "conv-42", "conv-43", "conv-44", "conv-47"], dataset.Conversations.Select(c => c.SampleId));
        Assert.Equal(1347, dataset.QuestionCount);
        Assert.Equal(4124, dataset.Conversations.Sum(c => c.Turns.Count));

        // conv-26 dates 35 sessions but holds 19.
        Assert.Equal(19, dataset.Conversations[0].Sessions.Count);
        Assert.Equal(new DateTimeOffset(2023, 5, 8, 13, 56, 0, TimeSpan.Zero), dataset.Conversations[0].Sessions[0].DateTime);
        Assert.Equal("2022", dataset.Conversations[0].Questions[1].Answer);
    }

    [Fact]
    public void EvidenceIds_DevSplit_LeaveTwoQuestionsWithoutGold()
    {
        var dataset = LoadOrSkip();
        var counts = new int[6];
        var excluded = 0;
        foreach (var conversation in dataset.Conversations)
        {
            foreach (var question in conversation.Questions.Where(q => q.Category is >= 1 and <= 4))
            {
                if (EvidenceIds.Normalize(question.Evidence, conversation.DiaIds).Count == 0)
                {
                    excluded++;
                }
                else
                {
                    counts[question.Category]++;
                }
            }
        }

        Assert.Equal(2, excluded);
        Assert.Equal([192, 214, 64, 563], counts[1..5]);
    }

    [Fact]
    public void Baseline_DevSplit_RecallIsBoundedAndGrowsWithK()
    {
        var dataset = LoadOrSkip();

        var report = BaselineBm25Retriever.Evaluate(dataset.Conversations);
        var overall = report.Overall();
        TestContext.Current.SendDiagnosticMessage("Baseline BM25 on the LoCoMo dev split: {0}", report.ToJson());

        Assert.Equal(1033, report.Questions);
        Assert.Equal(2, report.ExcludedQuestions);
        Assert.All(overall.Values, v => Assert.InRange(v, 0.0, 1.0));
        Assert.True(overall["recall@5"] <= overall["recall@10"]);
        Assert.True(overall["recall@10"] <= overall["recall@20"]);
        Assert.True(overall["recall@20"] <= overall["recall@30"]);
        Assert.True(overall["recall@5"] > 0.2, "a BM25 baseline finds some evidence");
    }
}
