using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MemOS.Grains.Retrieval.Vectors;

namespace MemOS.Benchmarks.Vectors;

/// <summary>One exact top-k scan of <see cref="ExactVectorIndex"/> over Rows x Dimension unit vectors (seeded uniform
/// components, normalized), against the read-bandwidth bound and a scalar loop, per operation one query (eight, in turn).</summary>
/// <remarks>
/// <para>The baseline, <see cref="ReadBandwidth"/>, is <see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/> over an
/// array of exactly the bytes a scan reads (Rows x Dimension x 4): what this machine can stream from wherever data
/// of that size lives (cache for 10,000 x 100 = 4 MB, memory for 1,000,000 x 100 = 400 MB). "BW share" is a scan's
/// GB/s over that baseline's, so 1.00 means the scan is bound by reading its data.</para>
/// <para><see cref="ScalarTop10"/> is the same scan with a scalar dot product (the JIT does not vectorize loops), as
/// the non-SIMD reference; <see cref="SimdDotTop10"/> is a plain loop of
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> over rows with a top-10 heap — the
/// straightforward kernel that the index must at least match. <see cref="IndexTop10"/> is the index without
/// common-component removal; <see cref="IndexTop300Ccr"/> is how the MemScheduler calls it (candidate pool 300,
/// common-component removal on).</para>
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
[Config(typeof(Config))]
public class ExactScanBenchmarks
{
    private const int QueryCount = 8;
    private float[] _matrix = [];
    private float[][] _queries = [];
    private ExactVectorIndex _index = new("bench", 1);
    private int _next;

    /// <summary>Number of indexed vectors.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Rows { get; set; }

    /// <summary>Vector length (100: GloVe; 384: MiniLM-class sentence encoders).</summary>
    [Params(100, 384)]
    public int Dimension { get; set; }

    /// <summary>The matrix and queries only (the probe and scalar scan need no index).</summary>
    [GlobalSetup(Targets = [nameof(ReadBandwidth), nameof(ScalarTop10), nameof(SimdDotTop10)])]
    public void SetupMatrix()
    {
        var random = new Random(20_260_301);
        _matrix = UnitRows(random, Rows, Dimension);
        _queries = Enumerable.Range(0, QueryCount).Select(_ => UnitRows(random, 1, Dimension)).ToArray();
    }

    /// <summary>The matrix, queries and an index without common-component removal.</summary>
    [GlobalSetup(Target = nameof(IndexTop10))]
    public void SetupIndex() => SetupIndex(removeCommonComponent: false);

    /// <summary>The matrix, queries and an index with common-component removal.</summary>
    [GlobalSetup(Target = nameof(IndexTop300Ccr))]
    public void SetupCcrIndex() => SetupIndex(removeCommonComponent: true);

    /// <summary>Sums the matrix-sized array: the bandwidth bound.</summary>
    /// <returns>The sum.</returns>
    [Benchmark(Baseline = true)]
    public float ReadBandwidth() => TensorPrimitives.Sum(_matrix);

    /// <summary>Scalar dot products, top 10.</summary>
    /// <returns>The best row.</returns>
    [Benchmark]
    public int ScalarTop10()
    {
        var query = NextQuery();
        var top = new TopRows(10);
        for (var row = 0; row < Rows; row++)
        {
            var x = _matrix.AsSpan(row * Dimension, Dimension);
            var sum = 0f;
            for (var i = 0; i < x.Length; i++)
            {
                sum += x[i] * query[i];
            }

            top.Offer(row, sum);
        }

        return top.Best();
    }

    /// <summary><see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per row, top 10.</summary>
    /// <returns>The best row.</returns>
    [Benchmark]
    public int SimdDotTop10()
    {
        var query = NextQuery();
        var top = new TopRows(10);
        for (var row = 0; row < Rows; row++)
        {
            top.Offer(row, TensorPrimitives.Dot(_matrix.AsSpan(row * Dimension, Dimension), query));
        }

        return top.Best();
    }

    /// <summary><see cref="ExactVectorIndex.Search"/>, top 10, no filter, no common-component removal.</summary>
    /// <returns>The number of hits.</returns>
    [Benchmark]
    public int IndexTop10() => _index.Search(NextQuery(), 10).Count;

    /// <summary><see cref="ExactVectorIndex.Search"/>, top 300 with common-component removal, as the scheduler
    /// calls it.</summary>
    /// <returns>The number of hits.</returns>
    [Benchmark]
    public int IndexTop300Ccr() => _index.Search(NextQuery(), 300).Count;

    private void SetupIndex(bool removeCommonComponent)
    {
        SetupMatrix();
        _index = new ExactVectorIndex("bench", Dimension, removeCommonComponent);
        for (var row = 0; row < Rows; row++)
        {
            _index.Upsert("m" + row, _matrix.AsSpan(row * Dimension, Dimension), "bench");
        }

        _index.RecomputeCommonComponent();
        // The index keeps its own copy; the baseline's array is not needed by these targets.
        _matrix = [];
    }

    private float[] NextQuery() => _queries[_next++ % QueryCount];

    private static float[] UnitRows(Random random, int rows, int dimension)
    {
        var data = new float[rows * dimension];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (random.NextSingle() * 2) - 1;
        }

        for (var row = 0; row < rows; row++)
        {
            var x = data.AsSpan(row * dimension, dimension);
            TensorPrimitives.Divide(x, TensorPrimitives.Norm(x), x);
        }

        return data;
    }

    /// <summary>The k best rows seen so far (a min-heap on score, its root the worst kept).</summary>
    private sealed class TopRows(int k)
    {
        private readonly PriorityQueue<int, float> _heap = new(k + 1);
        private float _worst = float.NegativeInfinity;

        public void Offer(int row, float score)
        {
            if (_heap.Count < k)
            {
                _heap.Enqueue(row, score);
                if (_heap.Count == k)
                {
                    _heap.TryPeek(out _, out _worst);
                }
            }
            else if (score > _worst)
            {
                _heap.DequeueEnqueue(row, score);
                _heap.TryPeek(out _, out _worst);
            }
        }

        public int Best()
        {
            var best = -1;
            while (_heap.TryDequeue(out var row, out _))
            {
                best = row;
            }

            return best;
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(
                new ScanThroughputColumn(ScanThroughputColumn.Figure.RowsPerSecond),
                new ScanThroughputColumn(ScanThroughputColumn.Figure.Bandwidth),
                new ScanThroughputColumn(ScanThroughputColumn.Figure.ShareOfBaseline));
        }
    }
}
