using System.Numerics.Tensors;

namespace MemOS.Inference.Embeddings.Glove;

/// <summary>
/// The built-in embedder: sentence vectors from GloVe 6B 100-d word vectors pooled with smooth inverse frequency
/// (SIF) weights, after Arora, Liang and Ma, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017.
/// </summary>
/// <remarks>
/// For a text s with in-vocabulary words w (lower-cased; clitics expanded: n't -> not, 'm -> am, ...; 's dropped):
/// v(s) = sum_w a / (a + p(w)) * v(w), then v(s) / ||v(s)||. p(w) is the word's unigram probability in GloVe's
/// training corpus, estimated from its frequency rank by Zipf's law (<see cref="GloveVectors.Probability"/>), and
/// a = <see cref="SmoothingWeight"/> (the paper's 1e-3). Frequent words ("the": weight about 0.01) fade; content
/// words (rank above ~1,000: weight above 0.9) dominate. The paper's second step, removing the corpus' first
/// principal component, depends on the indexed corpus, so the vector index applies it at query time
/// (<c>common-component removal</c>), which keeps this embedder deterministic and its stored vectors valid.
/// A text with no known word gets the zero vector. Thread-safe; no state besides the read-only vectors.
/// </remarks>
public sealed class GloveSifEmbedder : IEmbedder
{
    /// <summary>The model id recorded on cubes embedded by this embedder with the default smoothing weight.</summary>
    public const string DefaultModelId = "glove-6b-100d-sif";

    private readonly GloveVectors _vectors;

    /// <summary>Creates the embedder.</summary>
    /// <param name="vectors">The word vectors.</param>
    /// <param name="smoothingWeight">SIF's a, in (0, 1); default 1e-3.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="smoothingWeight"/> is not in (0, 1).</exception>
    public GloveSifEmbedder(GloveVectors vectors, double smoothingWeight = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (smoothingWeight is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(smoothingWeight), smoothingWeight, "SIF's a is in (0, 1).");
        }

        _vectors = vectors;
        SmoothingWeight = smoothingWeight;
        ModelId = smoothingWeight == 1e-3 ? DefaultModelId : $"{DefaultModelId}-a{smoothingWeight:G3}";
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension => _vectors.Dimension;

    /// <summary>SIF's smoothing weight a.</summary>
    public double SmoothingWeight { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EmbedderBatch.EmbedEach(texts, Embed, cancellationToken);

    /// <summary>Embeds one text (the synchronous core of <see cref="EmbedAsync"/>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>A unit vector of <see cref="Dimension"/> floats, or the zero vector when no word is known.</returns>
    public float[] Embed(string text)
    {
        var vector = new float[_vectors.Dimension];
        Span<char> lowered = stackalloc char[64];
        foreach (var word in WordTokenizer.Words(text))
        {
            if (word.Length > lowered.Length)
            {
                continue;
            }

            var length = word.Span.ToLowerInvariant(lowered);
            if (_vectors.TryGetIndex(lowered[..length], out var index))
            {
                var p = _vectors.Probability(index);
                _vectors.AddScaled(index, (float)(SmoothingWeight / (SmoothingWeight + p)), vector);
            }
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }
}
