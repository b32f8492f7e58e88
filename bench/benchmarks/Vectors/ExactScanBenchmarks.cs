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
/// common-component removal on), and <see cref="IndexTop300CcrFiltered"/> the same with a filter (kinds, tags,
/// speakers, valid time or as-of) that admits half of the rows.</para>
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
    private ExactVectorIndex _index = new(ScanData.ModelId, 1);
    private Func<string, bool> _filter = _ => true;
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
        _matrix = ScanData.UnitRows(random, Rows, Dimension);
        _queries = Enumerable.Range(0, QueryCount).Select(_ => ScanData.UnitRows(random, 1, Dimension)).ToArray();
    }

    /// <summary>The matrix, queries and an index without common-component removal.</summary>
    [GlobalSetup(Target = nameof(IndexTop10))]
    public void SetupIndex() => SetupIndex(removeCommonComponent: false);

    /// <summary>The matrix, queries and an index with common-component removal.</summary>
    [GlobalSetup(Targets = [nameof(IndexTop300Ccr), nameof(IndexTop300CcrFiltered)])]
    public void SetupCcrIndex() => SetupIndex(removeCommonComponent: true);

    /// <summary>Sums the matrix-sized array: the bandwidth bound.</summary>
    /// <returns>The sum.</returns>
    [Benchmark(Baseline = true)]
    public float ReadBandwidth() => TensorPrimitives.Sum(_matrix);

    /// <summary>Scalar dot products, top 10 (<see cref="ScanData.ScalarTop"/>).</summary>
    /// <returns>The best row.</returns>
    [Benchmark]
    public int ScalarTop10() => ScanData.ScalarTop(_matrix, NextQuery(), 10);

    /// <summary><see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per row, top 10
    /// (<see cref="ScanData.SimdDotTop"/>).</summary>
    /// <returns>The best row.</returns>
    [Benchmark]
    public int SimdDotTop10() => ScanData.SimdDotTop(_matrix, NextQuery(), 10);

    /// <summary><see cref="ExactVectorIndex.Search"/>, top 10, no filter, no common-component removal.</summary>
    /// <returns>The number of hits.</returns>
    [Benchmark]
    public int IndexTop10() => _index.Search(NextQuery(), 10).Count;

    /// <summary><see cref="ExactVectorIndex.Search"/>, top 300 with common-component removal, as the scheduler
    /// calls it.</summary>
    /// <returns>The number of hits.</returns>
    [Benchmark]
    public int IndexTop300Ccr() => _index.Search(NextQuery(), 300).Count;

    /// <summary><see cref="ExactVectorIndex.Search"/>, top 300 with common-component removal and a filter admitting
    /// half of the rows (a hash lookup per consulted id, as the scheduler's filters do).</summary>
    /// <returns>The number of hits.</returns>
    [Benchmark]
    public int IndexTop300CcrFiltered() => _index.Search(NextQuery(), 300, _filter).Count;

    private void SetupIndex(bool removeCommonComponent)
    {
        SetupMatrix();
        _index = ScanData.Index(_matrix, Dimension, removeCommonComponent);
        _filter = ScanData.EveryOtherRow(Rows);
        // The index keeps its own copy; these targets do not read the matrix.
        _matrix = [];
    }

    private float[] NextQuery() => _queries[_next++ % QueryCount];

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
