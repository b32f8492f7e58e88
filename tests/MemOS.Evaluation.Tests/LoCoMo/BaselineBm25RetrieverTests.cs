using MemOS.Evaluation.LoCoMo;

namespace MemOS.Evaluation.Tests.LoCoMo;

public sealed class BaselineBm25RetrieverTests
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static readonly LoCoMoTurn[] Turns =
    [
        new("D1:1", 1, "Caroline", "Hey Mel! How have you been?", May8),
        new("D1:2", 1, "Melanie", "I adopted a dog named Max last week.", May8),
        new("D1:3", 1, "Caroline", "The weather is lovely today.", May8),
        new("D1:4", 1, "Melanie", "Max the dog loves the park, and Max loves me.", May8),
        new("D1:5", 1, "Caroline", "Dogs are the best.", May8),
    ];

    [Fact]
    public void Rank_Query_OrdersMatchingTurnsByBm25()
    {
        var retriever = new BaselineBm25Retriever(Turns);

        // D1:4 says "max" twice and "dog" once; D1:2 each once in a shorter turn; no other turn has either word.
        Assert.Equal(["D1:4", "D1:2"], retriever.Rank("Max dog", 10).Select(t => t.DiaId));
    }

    [Fact]
    public void Rank_Question_CountsStopWordsLikeAnyTerm()
    {
        var retriever = new BaselineBm25Retriever(Turns);

        // No processing beyond tokenization: the short D1:3 wins on the rare "is" and "the" over D1:2's "max dog".
        Assert.Equal(["D1:4", "D1:3", "D1:2", "D1:5"], retriever.Rank("Who is Max the dog?", 10).Select(t => t.DiaId));
    }

    [Fact]
    public void Rank_PlainAnalysis_DoesNotStemOrDropStopWords()
    {
        var retriever = new BaselineBm25Retriever(Turns);

        // "dogs" matches only D1:5 (no stemming); "the" is a term like any other.
        Assert.Equal(["D1:5"], retriever.TopKTurnIds("dogs", 10));
        Assert.Equal(["D1:3", "D1:4", "D1:5"], retriever.TopKTurnIds("the", 10).Order());
    }

    [Fact]
    public void TopKTurnIds_K_BoundsResult()
    {
        var retriever = new BaselineBm25Retriever(Turns);

        Assert.Equal(["D1:4"], retriever.TopKTurnIds("Max dog", 1));
        Assert.Empty(retriever.TopKTurnIds("Max dog", 0));
        Assert.Empty(retriever.TopKTurnIds("zebra", 5));
    }

    [Fact]
    public void BudgetPackedTurnIds_Budget_PacksRenderedTurnsInRankOrder()
    {
        var retriever = new BaselineBm25Retriever(Turns);
        var ranked = retriever.Rank("Max dog", 10);
        var first = BaselineBm25Retriever.RenderTurn(ranked[0]);
        var firstTwo = first.Length + 1 + BaselineBm25Retriever.RenderTurn(ranked[1]).Length;

        Assert.Equal([ranked[0].DiaId], retriever.BudgetPackedTurnIds("Max dog", (first.Length + 3) / 4));
        Assert.Equal(ranked.Take(2).Select(t => t.DiaId), retriever.BudgetPackedTurnIds("Max dog", (firstTwo + 3) / 4));
        Assert.Empty(retriever.BudgetPackedTurnIds("Max dog", 0));
    }

    [Fact]
    public void RenderTurn_Turn_UsesMemoryRendering()
    {
        Assert.Equal("[8 May 2023] Melanie: I adopted a dog named Max last week.", BaselineBm25Retriever.RenderTurn(Turns[1]));
    }

    [Fact]
    public void Constructor_DuplicateDiaId_Throws()
    {
        Assert.Throws<ArgumentException>(() => new BaselineBm25Retriever([Turns[0], Turns[0]]));
    }

    [Fact]
    public void Evaluate_SyntheticConversation_SkipsCategoryFiveAndExcludesQuestionsWithoutEvidence()
    {
        using var file = new TempFile(SyntheticLoCoMo.Json);
        var dataset = LoCoMoDataset.Load(file.Path);

        var report = BaselineBm25Retriever.Evaluate(dataset.Conversations);

        // Questions: two of category 2 with evidence, one of category 5 (skipped), two without evidence (3 and 4).
        Assert.Equal(2, report.Questions);
        Assert.Equal(2, report.ExcludedQuestions);
        Assert.Equal(2, report.CategoryQuestions(2));

        // Six short turns: every cutoff and budget reaches every matching turn. The first question shares "support
        // group" with D1:3 (recall 1); the second shares "a sunrise" with D2:1 but nothing with D1:2, which BM25 never
        // returns (recall 1/2).
        Assert.All(report.Overall().Values, v => Assert.Equal(0.75, v));
    }
}
