using MemOS.Grains.Retrieval;
using MemOS.Grains.Retrieval.Vectors;

namespace MemOS.Grains.Tests.Retrieval.Vectors;

/// <summary>The SIMD index against a scalar, double-precision reference written independently here.</summary>
public sealed class ExactVectorIndexTests
{
    private const string Model = "test-model";

    private static float[] RandomUnit(Random random, int dimension, float[]? common = null, double commonWeight = 0)
    {
        var v = new double[dimension];
        for (var i = 0; i < dimension; i++)
        {
            // Box-Muller: Gaussian components give directions uniform on the sphere.
            v[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            if (common is not null)
            {
                v[i] += commonWeight * common[i];
            }
        }

        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    private static List<(string Id, double Score)> ReferenceTopK(
        IReadOnlyDictionary<string, float[]> vectors, float[] query, int k, Func<string, bool>? filter = null, Func<float[], float[], double>? score = null)
        => vectors.Where(p => filter is null || filter(p.Key))
            .Select(p => (p.Key, Score: (score ?? Dot)(query, p.Value)))
            .OrderByDescending(p => p.Score).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(k).ToList();

    private static (ExactVectorIndex Index, Dictionary<string, float[]> Vectors) Build(
        int count, int dimension, int seed, bool removeCommon = false, float[]? common = null, double commonWeight = 0)
    {
        var random = new Random(seed);
        var index = new ExactVectorIndex(Model, dimension, removeCommon);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var id = "m" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            vectors[id] = RandomUnit(random, dimension, common, commonWeight);
            index.Upsert(id, vectors[id], Model);
        }

        return (index, vectors);
    }

    private static void AssertSameRanking(List<(string Id, double Score)> expected, IReadOnlyList<ScoredDocument> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Score, actual[i].Score, tolerance);
            // Near-equal scores may swap places in float arithmetic; otherwise the order must match exactly.
            if (i + 1 < expected.Count && expected[i].Score - expected[i + 1].Score > 2 * tolerance
                && (i == 0 || expected[i - 1].Score - expected[i].Score > 2 * tolerance))
            {
                Assert.Equal(expected[i].Id, actual[i].Id);
            }
        }
    }

    [Theory]
    [InlineData(1, 100, 1)]
    [InlineData(2_000, 100, 10)]
    [InlineData(2_000, 384, 50)]
    [InlineData(37, 7, 100)]
    public void TopK_MatchesTheScalarReference(int count, int dimension, int k)
    {
        var (index, vectors) = Build(count, dimension, seed: count + dimension);
        var random = new Random(99);
        for (var q = 0; q < 20; q++)
        {
            var query = RandomUnit(random, dimension);
            AssertSameRanking(ReferenceTopK(vectors, query, k), index.Search(query, k), 1e-5);
        }
    }

    [Fact]
    public void TopK_MatchesTheScalarReference_ForEveryDimensionUpTo257()
    {
        // Every SIMD remainder length (AVX-512 holds 16 floats, AVX2 8, SSE 4) and none at all.
        var random = new Random(257);
        for (var dimension = 1; dimension <= 257; dimension++)
        {
            var (index, vectors) = Build(40, dimension, seed: dimension);
            var query = RandomUnit(random, dimension);
            AssertSameRanking(ReferenceTopK(vectors, query, 7), index.Search(query, 7), 1e-5);
        }
    }

    [Fact]
    public void Filter_IsAppliedBeforeRanking()
    {
        var (index, vectors) = Build(3_000, 100, seed: 5);
        var query = RandomUnit(new Random(6), 100);
        Func<string, bool> everyThird = id => int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) % 3 == 0;
        var hits = index.Search(query, 25, everyThird);
        Assert.All(hits, h => Assert.True(everyThird(h.Id)));
        // Pre-filtering gives the 25 best admitted vectors, not the admitted share of the 25 best overall.
        AssertSameRanking(ReferenceTopK(vectors, query, 25, everyThird), hits, 1e-5);

        Func<string, bool> fourOnly = id => id is "m00001" or "m00010" or "m00100" or "m01000";
        Assert.Equal(["m00001", "m00010", "m00100", "m01000"], index.Search(query, 25, fourOnly).Select(h => h.Id).Order(StringComparer.Ordinal));
        Assert.Empty(index.Search(query, 25, _ => false));
    }

    [Fact]
    public void RemoveAndReplace_KeepTheIndexConsistent()
    {
        var (index, vectors) = Build(500, 50, seed: 8);
        var random = new Random(9);
        foreach (var id in vectors.Keys.Where((_, i) => i % 7 == 0).ToList())
        {
            Assert.True(index.Remove(id));
            vectors.Remove(id);
        }

        Assert.False(index.Remove("m00000"));
        foreach (var id in vectors.Keys.Where((_, i) => i % 5 == 0).ToList())
        {
            vectors[id] = RandomUnit(random, 50);
            index.Upsert(id, vectors[id], Model);
        }

        Assert.Equal(vectors.Count, index.Count);
        Assert.All(vectors.Keys, id => Assert.True(index.Contains(id)));
        var query = RandomUnit(random, 50);
        AssertSameRanking(ReferenceTopK(vectors, query, vectors.Count), index.Search(query, 10_000), 1e-5);
        foreach (var (id, vector) in vectors.Take(20))
        {
            Assert.Equal(Dot(query, vector), index.Similarity(query, id)!.Value, 1e-5);
        }

        Assert.Null(index.Similarity(query, "m00000"));
    }

    [Fact]
    public void CommonComponentRemoval_ScoresTheCosineOfTheProjectedVectors()
    {
        const int dimension = 40;
        var random = new Random(11);
        var common = RandomUnit(random, dimension);
        // A strong shared direction (as SIF sentence vectors have) dominates raw cosines.
        var (index, vectors) = Build(1_500, dimension, seed: 12, removeCommon: true, common: common, commonWeight: 8);
        index.RecomputeCommonComponent();

        // Reference: the first principal component (uncentred) by power iteration in double precision.
        var u = common.Select(x => (double)x).ToArray();
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var next = new double[dimension];
            foreach (var x in vectors.Values)
            {
                var p = 0.0;
                for (var i = 0; i < dimension; i++)
                {
                    p += x[i] * u[i];
                }

                for (var i = 0; i < dimension; i++)
                {
                    next[i] += p * x[i];
                }
            }

            var norm = Math.Sqrt(next.Sum(v => v * v));
            u = next.Select(v => v / norm).ToArray();
        }

        double Projected(float[] a, float[] b)
        {
            var pa = a.Select((x, i) => x * u[i]).Sum();
            var pb = b.Select((x, i) => x * u[i]).Sum();
            var ra = a.Select((x, i) => x - (pa * u[i])).ToArray();
            var rb = b.Select((x, i) => x - (pb * u[i])).ToArray();
            return ra.Select((x, i) => x * rb[i]).Sum() / Math.Sqrt(ra.Sum(x => x * x) * rb.Sum(x => x * x));
        }

        for (var q = 0; q < 10; q++)
        {
            var query = RandomUnit(random, dimension, common, 8);
            var expected = ReferenceTopK(vectors, query, 20, score: Projected);
            AssertSameRanking(expected, index.Search(query, 20), 1e-3);
            // Without removal every score would be near the shared component's square (about 0.97); with it, the
            // best matches are spread out like ordinary cosines.
            Assert.True(expected[^1].Score < 0.9);
        }

        // A vector added after the recomputation is projected with the same component.
        var late = RandomUnit(random, dimension, common, 8);
        index.Upsert("late", late, Model);
        Assert.Equal(Projected(late, late), index.Similarity(late, "late")!.Value, 1e-3);
    }

    [Fact]
    public void TheZeroVector_ScoresZero()
    {
        var index = new ExactVectorIndex(Model, 3);
        index.Upsert("zero", new float[3], Model);
        index.Upsert("x", [1, 0, 0], Model);
        var hits = index.Search([1f, 0f, 0f], 5);
        Assert.Equal(["x", "zero"], hits.Select(h => h.Id));
        Assert.Equal(0f, hits[1].Score);
    }

    [Fact]
    public void EqualScores_AreOrderedByInsertion()
    {
        var index = new ExactVectorIndex(Model, 2);
        foreach (var id in new[] { "c", "a", "b" })
        {
            index.Upsert(id, [1, 0], Model);
        }

        Assert.Equal(["c", "a"], index.Search([1f, 0f], 2).Select(h => h.Id));
    }

    [Fact]
    public void VectorsOfAnotherModel_OrDimension_AreRefused()
    {
        var index = new ExactVectorIndex(Model, 3);
        var mismatch = Assert.Throws<EmbeddingModelMismatchException>(() => index.Upsert("a", [1, 0, 0], "other-model"));
        Assert.Equal(Model, mismatch.IndexModelId);
        Assert.Equal("other-model", mismatch.OfferedModelId);
        Assert.Throws<ArgumentException>(() => index.Upsert("a", [1, 0], Model));
        Assert.Throws<ArgumentException>(() => index.Search([1f, 0f], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1f, 0f, 0f], 0));
        Assert.Equal(0, index.Count);
    }
}
