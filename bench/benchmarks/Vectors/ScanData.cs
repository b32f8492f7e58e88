using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MemOS.Grains.Retrieval.Vectors;

namespace MemOS.Benchmarks.Vectors;

/// <summary>Seeded data of the scan benchmarks and the reference scans they compare
/// <see cref="ExactVectorIndex.Search"/> with.</summary>
public static class ScanData
{
    /// <summary>The model id of the benchmark indexes.</summary>
    public const string ModelId = "bench";

    /// <summary>Rows of unit vectors, row-major: uniform components in [-1, 1), each row normalized.</summary>
    /// <param name="random">The seeded source.</param>
    /// <param name="rows">How many vectors.</param>
    /// <param name="dimension">Components per vector.</param>
    /// <returns>rows x dimension floats.</returns>
    public static float[] UnitRows(Random random, int rows, int dimension)
    {
        var data = new float[(long)rows * dimension];
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

    /// <summary>An index over the rows of a matrix (ids <c>m0</c>, <c>m1</c>, ...), its common component computed.</summary>
    /// <param name="matrix">rows x dimension floats.</param>
    /// <param name="dimension">Components per vector.</param>
    /// <param name="removeCommonComponent">Whether the index removes the common component.</param>
    /// <returns>The index.</returns>
    public static ExactVectorIndex Index(float[] matrix, int dimension, bool removeCommonComponent)
    {
        var index = new ExactVectorIndex(ModelId, dimension, removeCommonComponent);
        for (var row = 0; row < matrix.Length / dimension; row++)
        {
            index.Upsert("m" + row, matrix.AsSpan(row * dimension, dimension), ModelId);
        }

        index.RecomputeCommonComponent();
        return index;
    }

    /// <summary>A filter like the MemScheduler's (a hash lookup per id) that admits every other row of an
    /// <see cref="Index"/>.</summary>
    /// <param name="rows">The rows of the index.</param>
    /// <returns>The filter.</returns>
    public static Func<string, bool> EveryOtherRow(int rows)
    {
        var admitted = Enumerable.Range(0, rows).Where(r => r % 2 == 0).Select(r => "m" + r).ToHashSet(StringComparer.Ordinal);
        return admitted.Contains;
    }

    /// <summary>The reference non-SIMD scan: a scalar dot product per row (the JIT does not vectorize loops) and a
    /// top-k min-heap.</summary>
    /// <param name="matrix">rows x dimension floats.</param>
    /// <param name="query">The query, dimension floats.</param>
    /// <param name="k">How many rows to keep.</param>
    /// <returns>The best row.</returns>
    /// <remarks>Compiled fully optimized at once: with dynamic PGO this loop's tier-1 code came out up to 4 times
    /// slower on the machine of bench/README.md, which would flatter the kernels compared with it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScalarTop(float[] matrix, float[] query, int k)
    {
        var dimension = query.Length;
        var top = new TopRows(k);
        for (var row = 0; row < matrix.Length / dimension; row++)
        {
            var x = matrix.AsSpan(row * dimension, dimension);
            var sum = 0f;
            for (var i = 0; i < x.Length; i++)
            {
                sum += x[i] * query[i];
            }

            top.Offer(row, sum);
        }

        return top.Best();
    }

    /// <summary>The straightforward SIMD scan: <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// per row and a top-k min-heap.</summary>
    /// <param name="matrix">rows x dimension floats.</param>
    /// <param name="query">The query, dimension floats.</param>
    /// <param name="k">How many rows to keep.</param>
    /// <returns>The best row.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SimdDotTop(float[] matrix, float[] query, int k)
    {
        var dimension = query.Length;
        var top = new TopRows(k);
        for (var row = 0; row < matrix.Length / dimension; row++)
        {
            top.Offer(row, TensorPrimitives.Dot(matrix.AsSpan(row * dimension, dimension), query));
        }

        return top.Best();
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
}
