using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Tests.Retrieval;

public sealed class Bm25IndexTests
{
    // The index scores in single precision (as Lucene does); the reference below works in double.
    private const double ScoreRelativeTolerance = 1e-5;

    [Fact]
    public void Search_HandComputedCorpus_MatchesFormula()
    {
        var index = new Bm25Index();
        index.Add("d1", ["a", "b"]);
        index.Add("d2", ["a", "a", "c"]);
        index.Add("d3", ["c"]);

        var results = index.Search(["a"], 10);

        // N = 3, n(a) = 2, avgdl = 2: IDF = ln(1 + 1.5 / 2.5) = ln 1.6.
        // d2: tf 2, |D| 3 -> 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 1.5)); d1: tf 1, |D| 2 -> 2.2 / (1 + 1.2).
        var idf = Math.Log(1.6);
        Assert.Equal(["d2", "d1"], results.Select(r => r.Id));
        AssertClose(idf * 4.4 / 3.65, results[0].Score);
        AssertClose(idf * 1.0, results[1].Score);
    }

    [Theory]
    [InlineData(1.2, 0.75)]
    [InlineData(2.0, 0.3)]
    [InlineData(0.0, 0.0)]
    [InlineData(0.9, 1.0)]
    public void Search_RandomCorpus_ScoresMatchScalarReference(double k1, double b)
    {
        var corpus = RandomCorpus(seed: 17, documentCount: 300, vocabularySize: 60);
        var index = Build(corpus, k1, b);
        var random = new Random(23);

        for (var q = 0; q < 50; q++)
        {
            var query = RandomQuery(random, vocabularySize: 60);
            var expected = ReferenceScores(corpus, query, k1, b);

            var results = index.Search(query, corpus.Count);

            Assert.Equal(expected.Count, results.Count);
            foreach (var result in results)
            {
                AssertClose(expected[result.Id], result.Score);
            }
        }
    }

    [Fact]
    public void Search_RandomCorpus_RanksByScoreThenInsertionOrder()
    {
        var corpus = RandomCorpus(seed: 5, documentCount: 400, vocabularySize: 30);
        var index = Build(corpus);
        var position = corpus.Select((d, i) => (d.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var random = new Random(99);

        for (var q = 0; q < 30; q++)
        {
            var query = RandomQuery(random, vocabularySize: 30);
            var all = index.Search(query, corpus.Count);
            for (var i = 1; i < all.Count; i++)
            {
                Assert.True(all[i - 1].Score >= all[i].Score);
                if (all[i - 1].Score == all[i].Score)
                {
                    Assert.True(position[all[i - 1].Id] < position[all[i].Id]);
                }
            }

            foreach (var k in new[] { 1, 5, 10, 37 })
            {
                Assert.Equal(all.Take(k), index.Search(query, k));
            }
        }
    }

    [Fact]
    public void Search_IdenticalDocuments_TieInInsertionOrder()
    {
        var index = new Bm25Index();
        index.Add("z", ["x", "y"]);
        index.Add("a", ["x", "y"]);
        index.Add("m", ["x", "y"]);

        Assert.Equal(["z", "a", "m"], index.Search(["x"], 3).Select(r => r.Id));
        Assert.Equal(["z", "a"], index.Search(["x"], 2).Select(r => r.Id));
    }

    [Fact]
    public void Search_RepeatedQueryTerm_CountsEachOccurrence()
    {
        var index = Build(RandomCorpus(seed: 3, documentCount: 50, vocabularySize: 10));

        var once = index.Search(["t1"], 50);
        var twice = index.Search(["t1", "t1"], 50);

        Assert.Equal(once.Select(r => r.Id), twice.Select(r => r.Id));
        for (var i = 0; i < once.Count; i++)
        {
            AssertClose(2.0 * once[i].Score, twice[i].Score);
        }
    }

    [Fact]
    public void Search_DocumentsWithoutQueryTerms_AreNeverReturned()
    {
        var index = new Bm25Index();
        index.Add("hit", ["apple"]);
        index.Add("miss", ["pear"]);
        index.Add("empty", []);

        var results = index.Search(["apple", "kiwi"], 10);

        Assert.Equal(["hit"], results.Select(r => r.Id));
        Assert.True(results[0].Score > 0);
    }

    [Fact]
    public void Search_EmptyQueryUnknownTermsOrEmptyIndex_ReturnsEmpty()
    {
        var index = new Bm25Index();
        Assert.Empty(index.Search(["a"], 5));
        index.Add("d", ["a"]);
        Assert.Empty(index.Search([], 5));
        Assert.Empty(index.Search(["b", "c"], 5));
    }

    [Fact]
    public void Search_TopKBounds_AreRespected()
    {
        var corpus = RandomCorpus(seed: 8, documentCount: 100, vocabularySize: 20);
        var index = Build(corpus);
        string[] query = ["t0", "t3"];
        var matching = ReferenceScores(corpus, query, 1.2, 0.75).Count;

        Assert.Empty(index.Search(query, 0));
        Assert.Single(index.Search(query, 1));
        Assert.Equal(10, index.Search(query, 10).Count);
        Assert.Equal(matching, index.Search(query, int.MaxValue).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(query, -1));
    }

    [Fact]
    public void Search_Filter_ReturnsBestAcceptedDocuments()
    {
        var corpus = RandomCorpus(seed: 11, documentCount: 200, vocabularySize: 25);
        var index = Build(corpus);
        string[] query = ["t2", "t7", "t11"];
        static bool Accept(string id) => int.Parse(id.AsSpan(1)) % 3 == 0;

        var all = index.Search(query, corpus.Count);
        var filtered = index.Search(query, 10, Accept);

        Assert.Equal(all.Where(r => Accept(r.Id)).Take(10), filtered);
        Assert.Empty(index.Search(query, 10, _ => false));
    }

    [Fact]
    public void Search_FilterThrows_LeavesNoStaleScores()
    {
        var corpus = RandomCorpus(seed: 12, documentCount: 100, vocabularySize: 15);
        var index = Build(corpus);
        string[] query = ["t1", "t4"];
        var before = index.Search(query, 20);

        Assert.Throws<InvalidOperationException>(() => index.Search(query, 20, _ => throw new InvalidOperationException()));

        Assert.Equal(before, index.Search(query, 20));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(180)]
    public void RemoveAndReplace_AfterChurn_StatisticsAndResultsEqualFreshIndex(int removals)
    {
        const int vocabularySize = 40;
        var random = new Random(removals);
        var index = new Bm25Index();
        var order = new List<string>();
        var current = new Dictionary<string, string[]>();
        var nextId = 0;

        void AddNew()
        {
            var id = "d" + nextId++;
            var terms = RandomTerms(random, vocabularySize);
            index.Add(id, terms);
            order.Add(id);
            current[id] = terms;
        }

        for (var i = 0; i < 300; i++)
        {
            AddNew();
        }

        for (var i = 0; i < removals; i++)
        {
            var id = order[random.Next(order.Count)];
            Assert.True(index.Remove(id));
            Assert.False(index.Remove(id));
            order.Remove(id);
            current.Remove(id);
        }

        for (var i = 0; i < 60; i++)
        {
            var id = order[random.Next(order.Count)];
            var terms = RandomTerms(random, vocabularySize);
            Assert.True(index.Replace(id, terms));
            current[id] = terms;
        }

        for (var i = 0; i < 40; i++)
        {
            AddNew();
        }

        if (removals > 100)
        {
            // Enough churn to have compacted at least once, and the tests below then run on renumbered ordinals.
            Assert.True(index.RemovedOrdinalCount < removals + 60);
        }

        var fresh = new Bm25Index();
        foreach (var id in order)
        {
            fresh.Add(id, current[id]);
        }

        Assert.Equal(fresh.Count, index.Count);
        Assert.Equal(fresh.TotalTermCount, index.TotalTermCount);
        Assert.Equal(fresh.AverageDocumentLength, index.AverageDocumentLength);
        Assert.Equal(fresh.VocabularySize, index.VocabularySize);
        for (var t = 0; t < vocabularySize + 2; t++)
        {
            Assert.Equal(fresh.DocumentFrequency("t" + t), index.DocumentFrequency("t" + t));
        }

        foreach (var id in order)
        {
            Assert.True(index.Contains(id));
            Assert.Equal(current[id].Length, index.DocumentLength(id));
        }

        for (var q = 0; q < 40; q++)
        {
            var query = RandomQuery(random, vocabularySize);
            Assert.Equal(fresh.Search(query, 25), index.Search(query, 25));
        }

        index.Compact();
        Assert.Equal(0, index.RemovedOrdinalCount);
        var probe = RandomQuery(random, vocabularySize);
        Assert.Equal(fresh.Search(probe, 50), index.Search(probe, 50));
    }

    [Fact]
    public void Replace_ExistingDocument_KeepsTiePositionAndNewTerms()
    {
        var index = new Bm25Index();
        index.Add("first", ["old"]);
        index.Add("second", ["x"]);
        index.Add("third", ["x"]);

        Assert.True(index.Replace("first", ["x"]));

        Assert.Equal(["first", "second", "third"], index.Search(["x"], 3).Select(r => r.Id));
        Assert.Empty(index.Search(["old"], 3));
        Assert.Equal(0, index.DocumentFrequency("old"));
        Assert.Equal(3, index.DocumentFrequency("x"));
    }

    [Fact]
    public void Replace_MissingDocument_Adds()
    {
        var index = new Bm25Index();
        Assert.False(index.Replace("new", ["a", "b"]));
        Assert.True(index.Contains("new"));
        Assert.Equal(2, index.DocumentLength("new"));
    }

    [Fact]
    public void Remove_EveryDocument_LeavesAnEmptyReusableIndex()
    {
        var corpus = RandomCorpus(seed: 4, documentCount: 30, vocabularySize: 10);
        var index = Build(corpus);
        foreach (var (id, _) in corpus)
        {
            index.Remove(id);
        }

        Assert.Equal(0, index.Count);
        Assert.Equal(0, index.VocabularySize);
        Assert.Equal(0, index.TotalTermCount);
        Assert.Equal(0, index.AverageDocumentLength);
        Assert.Empty(index.Search(["t1"], 5));

        index.Add("again", ["t1"]);
        Assert.Equal(["again"], index.Search(["t1"], 5).Select(r => r.Id));
    }

    [Fact]
    public void Add_InvalidArguments_Throw()
    {
        var index = new Bm25Index();
        index.Add("a", ["x"]);
        Assert.Throws<ArgumentException>(() => index.Add("a", ["y"]));
        Assert.Throws<ArgumentException>(() => index.Add("b", ["y", null!]));
        Assert.False(index.Contains("b"));
        Assert.Throws<ArgumentNullException>(() => index.Add(null!, ["y"]));
        Assert.Throws<ArgumentNullException>(() => index.Add("c", null!));
        Assert.Throws<ArgumentException>(() => index.Search(["x", null!], 3));
    }

    [Theory]
    [InlineData(-0.1, 0.75)]
    [InlineData(double.NaN, 0.75)]
    [InlineData(1.2, 1.1)]
    [InlineData(1.2, -0.1)]
    public void Constructor_InvalidParameters_Throw(double k1, double b)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bm25Index(k1, b));
    }

    private static void AssertClose(double expected, float actual)
    {
        Assert.True(
            Math.Abs(expected - actual) <= ScoreRelativeTolerance * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R}");
    }

    private static Bm25Index Build(List<(string Id, string[] Terms)> corpus, double k1 = 1.2, double b = 0.75)
    {
        var index = new Bm25Index(k1, b);
        foreach (var (id, terms) in corpus)
        {
            index.Add(id, terms);
        }

        return index;
    }

    private static List<(string Id, string[] Terms)> RandomCorpus(int seed, int documentCount, int vocabularySize)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, documentCount).Select(i => ("d" + i, RandomTerms(random, vocabularySize))).ToList();
    }

    /// <summary>Term ranks skewed towards low numbers, as word frequencies are, so that df varies widely.</summary>
    private static string[] RandomTerms(Random random, int vocabularySize)
    {
        var length = random.Next(0, 25);
        return Enumerable.Range(0, length).Select(_ => "t" + (int)(vocabularySize * Math.Pow(random.NextDouble(), 2))).ToArray();
    }

    /// <summary>1-5 terms, sometimes repeated, sometimes absent from every document.</summary>
    private static string[] RandomQuery(Random random, int vocabularySize)
    {
        var length = random.Next(1, 6);
        return Enumerable.Range(0, length).Select(_ => "t" + random.Next(vocabularySize + 2)).ToArray();
    }

    /// <summary>BM25 straight from Robertson and Zaragoza (2009) eq. 3.15 with Lucene's IDF, in double precision.</summary>
    private static Dictionary<string, double> ReferenceScores(
        List<(string Id, string[] Terms)> corpus, IReadOnlyList<string> query, double k1, double b)
    {
        double n = corpus.Count;
        var averageLength = corpus.Average(d => d.Terms.Length);
        var scores = new Dictionary<string, double>();
        foreach (var (id, terms) in corpus)
        {
            var score = 0.0;
            foreach (var q in query)
            {
                var tf = terms.Count(t => t == q);
                if (tf == 0)
                {
                    continue;
                }

                var df = corpus.Count(d => d.Terms.Contains(q));
                var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
                score += idf * tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * terms.Length / averageLength))));
            }

            if (score > 0)
            {
                scores[id] = score;
            }
        }

        return scores;
    }
}
