namespace MemOS.Inference.Embeddings;

/// <summary>Turns texts into dense vectors for semantic recall. Implementations: the built-in GloVe/SIF embedder,
/// GGUF embedding models through llama.cpp, and any OpenAI-compatible <c>POST /v1/embeddings</c> endpoint.</summary>
/// <remarks>
/// Contract every implementation keeps (the vector index and the tests rely on it):
/// <list type="bullet">
/// <item>each returned vector has exactly <see cref="Dimension"/> float32 components and unit L2 norm, except for a
/// text with nothing to embed (for example no known word), which gets the zero vector (cosine 0 with everything);</item>
/// <item>the same text under the same <see cref="ModelId"/> always gives the same vector (deterministic), whatever
/// batch it is embedded in;</item>
/// <item>vectors of different <see cref="ModelId"/>s are never compared: an index refuses to mix them.</item>
/// </list>
/// Implementations are thread-safe.
/// </remarks>
public interface IEmbedder
{
    /// <summary>Identifies the model and pooling, for example <c>glove-6b-100d-sif</c>; recorded on each MemCube.</summary>
    string ModelId { get; }

    /// <summary>The number of components of every vector.</summary>
    int Dimension { get; }

    /// <summary>Embeds a batch of texts.</summary>
    /// <param name="texts">The texts (any length; implementations truncate to their model's context and say so in
    /// their docs). An empty list gives an empty result.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns>One vector per text, in the order of <paramref name="texts"/>.</returns>
    /// <exception cref="EmbeddingException">The model or endpoint failed (<see cref="MemOSException.IsTransient"/>
    /// says whether retrying may help).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
