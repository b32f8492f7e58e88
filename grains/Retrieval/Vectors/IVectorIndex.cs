namespace MemOS.Grains.Retrieval.Vectors;

/// <summary>A vector index over the memories of one space: the seam where an exact in-process index (the default)
/// or an external vector database plugs in.</summary>
/// <remarks>All vectors of one index come from one embedder (<see cref="ModelId"/>) and have unit L2 norm or are
/// zero; scores are cosine similarities in [-1, 1]. Not thread-safe: the owning grain serializes access.</remarks>
public interface IVectorIndex
{
    /// <summary>The embedder model id of every vector in the index.</summary>
    string ModelId { get; }

    /// <summary>The number of components of every vector.</summary>
    int Dimension { get; }

    /// <summary>The number of indexed vectors.</summary>
    int Count { get; }

    /// <summary>Whether an id is indexed.</summary>
    /// <param name="id">The memory id.</param>
    /// <returns><see langword="true"/> when present.</returns>
    bool Contains(string id);

    /// <summary>Adds a vector or replaces the vector of an id.</summary>
    /// <param name="id">The memory id.</param>
    /// <param name="vector">A vector of <see cref="Dimension"/> components, embedded by <see cref="ModelId"/>.</param>
    /// <param name="modelId">The embedder model id the vector came from.</param>
    /// <exception cref="ArgumentException">The dimension is wrong.</exception>
    /// <exception cref="EmbeddingModelMismatchException"><paramref name="modelId"/> differs from
    /// <see cref="ModelId"/>: vectors of different models are never mixed.</exception>
    void Upsert(string id, ReadOnlySpan<float> vector, string modelId);

    /// <summary>Removes an id.</summary>
    /// <param name="id">The memory id.</param>
    /// <returns><see langword="true"/> when it was present.</returns>
    bool Remove(string id);

    /// <summary>The <paramref name="topK"/> vectors most similar to a query, best first (ties by id).</summary>
    /// <param name="query">A query vector of <see cref="Dimension"/> components from the same model.</param>
    /// <param name="topK">How many to return, at least 1.</param>
    /// <param name="filter">When given, only ids it accepts are ranked (applied before ranking).</param>
    /// <returns>At most <paramref name="topK"/> hits with their cosine similarity.</returns>
    /// <exception cref="ArgumentException">The query's dimension is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is less than 1.</exception>
    IReadOnlyList<ScoredDocument> Search(ReadOnlySpan<float> query, int topK, Func<string, bool>? filter = null);

    /// <summary>The cosine similarity of the query with one indexed vector.</summary>
    /// <param name="query">A query vector of <see cref="Dimension"/> components.</param>
    /// <param name="id">The memory id.</param>
    /// <returns>The similarity, or <see langword="null"/> when the id is not indexed.</returns>
    float? Similarity(ReadOnlySpan<float> query, string id);
}
