namespace MemOS.Inference.Gguf;

/// <summary>The shape of a synthetic llama-architecture model (<see cref="SyntheticLlamaModel"/>).</summary>
/// <remarks>Weights are random, so the model's output is meaningless; its compute per token is that of a trained model
/// of the same shape, which is what timing needs (prefill cost does not depend on weight values).</remarks>
public sealed record SyntheticLlamaConfig
{
    /// <summary>The benchmark model: n_embd 768, 12 layers, 12 heads, n_ff 2048, vocabulary 8192, untied output,
    /// F16 weights: 97.5 M parameters, about 195 MB.</summary>
    public static SyntheticLlamaConfig Default100M { get; } = new();

    /// <summary>A model of about 0.1 M parameters for tests: n_embd 64, 2 layers, 4 heads, n_ff 128, vocabulary 320,
    /// F32.</summary>
    public static SyntheticLlamaConfig Tiny { get; } = new()
    {
        EmbeddingLength = 64, Layers = 2, Heads = 4, KvHeads = 4, FeedForwardLength = 128, VocabularySize = 320,
        ContextLength = 512, TensorType = GgufTensorType.F32,
    };

    /// <summary>The hidden size <c>n_embd</c>, a multiple of <see cref="Heads"/>. Default 768.</summary>
    public int EmbeddingLength { get; init; } = 768;

    /// <summary>The transformer layers. Default 12.</summary>
    public int Layers { get; init; } = 12;

    /// <summary>The attention heads. Default 12.</summary>
    public int Heads { get; init; } = 12;

    /// <summary>The key/value heads (grouped-query attention when fewer than <see cref="Heads"/>; divides it). Default 12.</summary>
    public int KvHeads { get; init; } = 12;

    /// <summary>The feed-forward (SwiGLU) width <c>n_ff</c>. Default 2048.</summary>
    public int FeedForwardLength { get; init; } = 2048;

    /// <summary>The vocabulary size: 3 special tokens, 256 byte tokens and generated word pieces, at least 260.
    /// Default 8192.</summary>
    public int VocabularySize { get; init; } = 8192;

    /// <summary>The training context length written to the file, in tokens. Default 4096.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>The type of the weight matrices (norm weights are always F32). Default F16.</summary>
    public GgufTensorType TensorType { get; init; } = GgufTensorType.F16;

    /// <summary>The seed of the random weights: the same config writes the same bytes. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The standard deviation of the random matrix weights (uniform). Default 0.02.</summary>
    public float WeightScale { get; init; } = 0.02f;

    /// <summary>The number of parameters: embeddings, per layer 2 norms, Q/K/V/O and the three feed-forward matrices,
    /// the output norm and the untied output matrix.</summary>
    public long ParameterCount
    {
        get
        {
            long e = EmbeddingLength, f = FeedForwardLength, v = VocabularySize;
            var kv = e / Heads * KvHeads;
            var layer = (2 * e) + (2 * e * e) + (2 * e * kv) + (3 * e * f);
            return (2 * v * e) + (Layers * layer) + e;
        }
    }

    /// <summary>Checks the shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, or the heads do not divide the sizes.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingLength, 8, nameof(EmbeddingLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(Layers, 1, nameof(Layers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Heads, 1, nameof(Heads));
        ArgumentOutOfRangeException.ThrowIfLessThan(KvHeads, 1, nameof(KvHeads));
        ArgumentOutOfRangeException.ThrowIfLessThan(FeedForwardLength, 1, nameof(FeedForwardLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabularySize, 260, nameof(VocabularySize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ContextLength, 1, nameof(ContextLength));
        if (!(WeightScale > 0 && float.IsFinite(WeightScale)))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightScale), WeightScale, "The weight scale is a positive finite number.");
        }

        if (EmbeddingLength % Heads != 0 || Heads % KvHeads != 0 || EmbeddingLength / Heads % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Heads), Heads, $"{nameof(Heads)} divides {nameof(EmbeddingLength)} into heads of an even size, and {nameof(KvHeads)} divides {nameof(Heads)}.");
        }
    }
}
