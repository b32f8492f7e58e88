using System.Numerics.Tensors;

namespace MemOS.Grains.Retrieval.Vectors;

/// <summary>
/// Exact top-k cosine search by a full scan of a contiguous row-major matrix with SIMD dot products
/// (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>), optionally with SIF's
/// common-component removal.
/// </summary>
/// <remarks>
/// <para>Layout: row r of <c>_matrix</c> (length capacity x d floats) is the vector of <c>_ids[r]</c>; removal moves the
/// last row into the hole, so rows stay dense and a scan reads n x d x 4 bytes sequentially — the kernel is bound by
/// memory bandwidth. Top-k keeps a min-heap of k entries: O(n d + n log k).</para>
/// <para>Common-component removal (Arora et al., ICLR 2017, step 2): with u the first principal component of the
/// indexed vectors (uncentred, by power iteration), vectors are compared after projecting u out:
/// cos'(q, x) = (q.x - (q.u)(x.u)) / sqrt((1 - (q.u)^2)(1 - (x.u)^2)) for unit q and x. The projections x.u are kept
/// per row, so the adjusted score costs two multiplications more per row. u is recomputed by
/// <see cref="RecomputeCommonComponent"/> (the owner calls it after bulk changes).</para>
/// </remarks>
public sealed class ExactVectorIndex : IVectorIndex
{
    private readonly Dictionary<string, int> _rowById = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];
    private float[] _matrix;
    private float[] _projections;
    private float[]? _commonComponent;

    /// <summary>Creates an empty index.</summary>
    /// <param name="modelId">The embedder model id of all vectors.</param>
    /// <param name="dimension">The number of components, at least 1.</param>
    /// <param name="removeCommonComponent">Whether to apply common-component removal.</param>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is less than 1.</exception>
    public ExactVectorIndex(string modelId, int dimension, bool removeCommonComponent = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ModelId = modelId;
        Dimension = dimension;
        RemovesCommonComponent = removeCommonComponent;
        _matrix = new float[dimension * 64];
        _projections = new float[64];
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public int Count => _ids.Count;

    /// <summary>Whether scores use common-component removal.</summary>
    public bool RemovesCommonComponent { get; }

    /// <inheritdoc />
    public bool Contains(string id) => _rowById.ContainsKey(id);

    /// <inheritdoc />
    public void Upsert(string id, ReadOnlySpan<float> vector, string modelId)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!string.Equals(modelId, ModelId, StringComparison.Ordinal))
        {
            throw new EmbeddingModelMismatchException(ModelId, modelId);
        }

        CheckDimension(vector, nameof(vector));
        if (!_rowById.TryGetValue(id, out var row))
        {
            row = _ids.Count;
            EnsureCapacity(row + 1);
            _ids.Add(id);
            _rowById[id] = row;
        }

        vector.CopyTo(Row(row));
        _projections[row] = _commonComponent is null ? 0 : TensorPrimitives.Dot(vector, _commonComponent);
    }

    /// <inheritdoc />
    public bool Remove(string id)
    {
        if (!_rowById.Remove(id, out var row))
        {
            return false;
        }

        var last = _ids.Count - 1;
        if (row != last)
        {
            Row(last).CopyTo(Row(row));
            _projections[row] = _projections[last];
            _ids[row] = _ids[last];
            _rowById[_ids[row]] = row;
        }

        _ids.RemoveAt(last);
        return true;
    }

    /// <inheritdoc />
    /// <remarks>Once k rows are kept, a row scoring below the worst of them is passed over with one comparison, before
    /// <paramref name="filter"/> is consulted: it could not enter the top k whether the filter admits it or not. So
    /// the filter runs only for rows that score well enough, and the hits and their scores are the same as when it
    /// is applied to every row first.</remarks>
    public IReadOnlyList<ScoredDocument> Search(ReadOnlySpan<float> query, int topK, Func<string, bool>? filter = null)
    {
        CheckDimension(query, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var heap = new PriorityQueue<int, (float Score, int Row)>(Math.Min(topK, Count) + 1, WorstFirst.Instance);
        var (queryProjection, queryScale) = QueryAdjustment(query);
        var count = Count;
        // The score of the heap's root once it holds topK rows; until then no score is below it.
        var threshold = float.NegativeInfinity;
        for (var row = 0; row < count; row++)
        {
            var score = Score(query, row, queryProjection, queryScale);
            // Not !(score >= threshold): a NaN score goes on to the exact test below, as it always did.
            if (score < threshold || (filter is not null && !filter(_ids[row])))
            {
                continue;
            }

            if (heap.Count < topK)
            {
                heap.Enqueue(row, (score, row));
            }
            else if (heap.TryPeek(out _, out var worst) && IsBetter(score, row, worst.Score, worst.Row))
            {
                heap.DequeueEnqueue(row, (score, row));
            }
            else
            {
                continue;
            }

            if (heap.Count == topK && heap.TryPeek(out _, out var root))
            {
                threshold = root.Score;
            }
        }

        var hits = new ScoredDocument[heap.Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            heap.TryDequeue(out var row, out var entry);
            hits[i] = new ScoredDocument(_ids[row], entry.Score);
        }

        return hits;
    }

    /// <inheritdoc />
    public float? Similarity(ReadOnlySpan<float> query, string id)
    {
        CheckDimension(query, nameof(query));
        if (!_rowById.TryGetValue(id, out var row))
        {
            return null;
        }

        var (projection, scale) = QueryAdjustment(query);
        return Score(query, row, projection, scale);
    }

    /// <summary>Recomputes the common component u from the indexed vectors (20 power iterations of the uncentred
    /// second-moment matrix X^T X, O(20 n d)) and the per-row projections. No-op unless
    /// <see cref="RemovesCommonComponent"/>.</summary>
    public void RecomputeCommonComponent()
    {
        if (!RemovesCommonComponent || Count == 0)
        {
            return;
        }

        var u = new float[Dimension];
        var next = new float[Dimension];
        // Start from the mean direction: the common component of SIF vectors lies close to it.
        for (var row = 0; row < Count; row++)
        {
            TensorPrimitives.Add(u, Row(row), u);
        }

        if (TensorPrimitives.Norm(u) == 0)
        {
            u[0] = 1;
        }

        for (var iteration = 0; iteration < 20; iteration++)
        {
            TensorPrimitives.Divide(u, TensorPrimitives.Norm(u), u);
            Array.Clear(next);
            for (var row = 0; row < Count; row++)
            {
                var x = Row(row);
                TensorPrimitives.MultiplyAdd(x, TensorPrimitives.Dot(x, u), next, next);
            }

            (u, next) = (next, u);
            if (TensorPrimitives.Norm(u) == 0)
            {
                _commonComponent = null;
                return;
            }
        }

        TensorPrimitives.Divide(u, TensorPrimitives.Norm(u), u);
        _commonComponent = u;
        for (var row = 0; row < Count; row++)
        {
            _projections[row] = TensorPrimitives.Dot(Row(row), u);
        }
    }

    private (float Projection, float Scale) QueryAdjustment(ReadOnlySpan<float> query)
    {
        if (_commonComponent is null)
        {
            return (0, 1);
        }

        var projection = TensorPrimitives.Dot(query, _commonComponent);
        var rest = 1 - (projection * projection);
        return (projection, rest > 1e-6f ? 1 / MathF.Sqrt(rest) : 0);
    }

    private float Score(ReadOnlySpan<float> query, int row, float queryProjection, float queryScale)
    {
        var dot = TensorPrimitives.Dot(query, Row(row));
        if (_commonComponent is null)
        {
            return dot;
        }

        var p = _projections[row];
        var rest = 1 - (p * p);
        return rest > 1e-6f ? (dot - (queryProjection * p)) * queryScale / MathF.Sqrt(rest) : 0;
    }

    private Span<float> Row(int row) => _matrix.AsSpan(row * Dimension, Dimension);

    private void EnsureCapacity(int rows)
    {
        if (rows * Dimension <= _matrix.Length)
        {
            return;
        }

        var capacity = Math.Max(rows, _projections.Length * 2);
        Array.Resize(ref _matrix, capacity * Dimension);
        Array.Resize(ref _projections, capacity);
    }

    private void CheckDimension(ReadOnlySpan<float> vector, string name)
    {
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"The vector has {vector.Length} components; this index holds {Dimension}.", name);
        }
    }

    private static bool IsBetter(float score, int row, float otherScore, int otherRow)
        => score > otherScore || (score == otherScore && row < otherRow);

    /// <summary>Orders the heap so its root is the worst kept entry (lowest score; among equals, the later row).</summary>
    private sealed class WorstFirst : IComparer<(float Score, int Row)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((float Score, int Row) x, (float Score, int Row) y)
            => x.Score != y.Score ? x.Score.CompareTo(y.Score) : y.Row.CompareTo(x.Row);
    }
}
