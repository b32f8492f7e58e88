using MemOS.Inference.Gguf;

namespace MemOS.Inference.Lora.Training;

/// <summary>The weights of a llama-architecture GGUF model held in 64-bit floats, with a forward pass that computes
/// the model's logits as llama.cpp does and a backward pass that gives the gradients of the next-token cross-entropy
/// with respect to LoRA matrices on its projections (the base weights stay frozen).</summary>
/// <remarks>
/// <para>Shapes, with <c>T</c> tokens, <c>D</c> = <see cref="EmbeddingLength"/>, <c>H</c> = <see cref="HeadCount"/>,
/// <c>G</c> = <see cref="KvHeadCount"/>, <c>d</c> = <see cref="HeadLength"/>, <c>F</c> = <see cref="FeedForwardLength"/>,
/// <c>V</c> = <see cref="VocabularySize"/>; every matrix is row-major and a weight <c>W</c> of ggml shape
/// <c>ne = [in, out]</c> is <c>out × in</c>, so a projection is <c>y = x·Wᵀ</c> over the rows of <c>x</c>
/// (<c>T × in</c>).</para>
/// <para>Forward (llama.cpp's <c>LLM_ARCH_LLAMA</c> graph): <c>x = E[tokens]</c> (<c>T × D</c>); per layer
/// <c>n = rms(x)·g_attn</c> with <c>rms(x) = x / sqrt(mean(x²) + ε)</c>; <c>q = n·W_qᵀ</c> (<c>T × H·d</c>),
/// <c>k = n·W_kᵀ</c>, <c>v = n·W_vᵀ</c> (<c>T × G·d</c>); rotary position embedding of <c>q</c> and <c>k</c> in the
/// normal (non-NeoX) layout, rotating adjacent pairs <c>(2i, 2i+1)</c> of each head by <c>p·base^(-2i/n_rot)</c> at
/// position <c>p</c>; per head <c>h</c> with key/value head <c>h / (H/G)</c> (grouped-query attention)
/// <c>P = softmax(q_h·k_gᵀ/√d + causal mask)</c>, <c>o_h = P·v_g</c>; <c>x += o·W_oᵀ</c>; <c>m = rms(x)·g_ffn</c>;
/// <c>x += (silu(m·W_gateᵀ) ⊙ (m·W_upᵀ))·W_downᵀ</c> (SwiGLU); then <c>logits = (rms(x)·g_out)·W_outᵀ</c>
/// (<c>T × V</c>), with the token embeddings as <c>W_out</c> when the model has no <c>output.weight</c>.</para>
/// <para>A LoRA target adds <c>s·(x·Aᵀ)·Bᵀ</c> to its projection, <c>A</c> <c>r × in</c>, <c>B</c> <c>out × r</c>,
/// <c>s = alpha / r</c> (Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", 2021).</para>
/// <para>Thread-safe: the weights are read-only after <see cref="Load(string)"/>.</para>
/// </remarks>
public sealed partial class LlamaTrainingModel
{
    /// <summary>The projections of a layer LoRA may target, by the tensor-name part llama.cpp uses
    /// (<c>blk.N.&lt;kind&gt;.weight</c>).</summary>
    public static readonly IReadOnlyList<string> ProjectionKinds =
        ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];

    private readonly double[] _tokenEmbedding;
    private readonly double[] _outputNorm;
    private readonly double[] _output;
    private readonly Layer[] _layers;
    private readonly double[] _ropeInverseFrequencies;

    private LlamaTrainingModel(string architecture, int embeddingLength, int headCount, int kvHeadCount, int feedForwardLength,
        int vocabularySize, int ropeDimensions, double ropeFrequencyBase, double rmsEpsilon, double[] tokenEmbedding,
        double[] outputNorm, double[] output, Layer[] layers)
    {
        Architecture = architecture;
        EmbeddingLength = embeddingLength;
        HeadCount = headCount;
        KvHeadCount = kvHeadCount;
        HeadLength = embeddingLength / headCount;
        FeedForwardLength = feedForwardLength;
        VocabularySize = vocabularySize;
        RopeDimensions = ropeDimensions;
        RopeFrequencyBase = ropeFrequencyBase;
        RmsEpsilon = rmsEpsilon;
        _tokenEmbedding = tokenEmbedding;
        _outputNorm = outputNorm;
        _output = output;
        _layers = layers;
        _ropeInverseFrequencies = new double[ropeDimensions / 2];
        for (var i = 0; i < _ropeInverseFrequencies.Length; i++)
        {
            _ropeInverseFrequencies[i] = Math.Pow(ropeFrequencyBase, -2.0 * i / ropeDimensions);
        }
    }

    /// <summary>The model's <c>general.architecture</c> (<c>llama</c>).</summary>
    public string Architecture { get; }

    /// <summary><c>D</c>: the embedding (residual stream) width.</summary>
    public int EmbeddingLength { get; }

    /// <summary>The number of transformer layers (<c>llama.block_count</c>).</summary>
    public int LayerCount => _layers.Length;

    /// <summary><c>H</c>: the number of query heads.</summary>
    public int HeadCount { get; }

    /// <summary><c>G</c>: the number of key/value heads (fewer than <see cref="HeadCount"/> under grouped-query attention).</summary>
    public int KvHeadCount { get; }

    /// <summary><c>d</c>: the width of one head, <c>D / H</c>.</summary>
    public int HeadLength { get; }

    /// <summary><c>F</c>: the hidden width of the feed-forward network.</summary>
    public int FeedForwardLength { get; }

    /// <summary><c>V</c>: the vocabulary size (rows of the token embeddings).</summary>
    public int VocabularySize { get; }

    /// <summary><c>n_rot</c>: the number of leading dimensions of each head that RoPE rotates.</summary>
    public int RopeDimensions { get; }

    /// <summary>The RoPE frequency base (<c>llama.rope.freq_base</c>, 10000 when absent).</summary>
    public double RopeFrequencyBase { get; }

    /// <summary><c>ε</c> of RMSNorm (<c>llama.attention.layer_norm_rms_epsilon</c>).</summary>
    public double RmsEpsilon { get; }

    /// <summary>Loads the weights of a llama-architecture GGUF model.</summary>
    /// <param name="path">The GGUF model; its tensors must be F32 or F16.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not GGUF or lacks a hyperparameter or tensor the llama graph needs.</exception>
    /// <exception cref="NotSupportedException">The architecture is not <c>llama</c>, the model uses RoPE scaling or
    /// per-dimension RoPE frequencies, or a tensor is quantized.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static LlamaTrainingModel Load(string path)
    {
        using var file = GgufFile.Open(path);
        return Load(file);
    }

    /// <summary>Loads the weights of a llama-architecture model from an open GGUF file.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="FormatException">A hyperparameter or tensor the llama graph needs is missing or of the wrong shape.</exception>
    /// <exception cref="NotSupportedException">The architecture is not <c>llama</c>, the model uses RoPE scaling or
    /// per-dimension RoPE frequencies, or a tensor is quantized.</exception>
    public static LlamaTrainingModel Load(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var architecture = file.Metadata.GetValueOrDefault("general.architecture")?.Value as string
            ?? throw new FormatException("The model has no general.architecture.");
        if (architecture != "llama")
        {
            throw new NotSupportedException($"LoRA training supports the llama architecture, not {architecture}.");
        }

        int Integer(string key, int? fallback = null)
        {
            if (file.Metadata.GetValueOrDefault($"llama.{key}") is not { } value)
            {
                return fallback ?? throw new FormatException($"The model has no llama.{key}.");
            }

            return checked((int)value.AsUInt64());
        }

        var embedding = Integer("embedding_length");
        var layers = Integer("block_count");
        var heads = Integer("attention.head_count");
        var kvHeads = Integer("attention.head_count_kv", heads);
        var feedForward = Integer("feed_forward_length");
        if (heads < 1 || embedding % heads != 0 || kvHeads < 1 || heads % kvHeads != 0)
        {
            throw new FormatException($"The model has {heads} heads, {kvHeads} key/value heads and width {embedding}: not a valid llama attention.");
        }

        var headLength = embedding / heads;
        if (Integer("attention.key_length", headLength) != headLength || Integer("attention.value_length", headLength) != headLength)
        {
            throw new NotSupportedException("Heads whose key or value width differs from embedding_length / head_count are not supported.");
        }

        var ropeDimensions = Integer("rope.dimension_count", headLength);
        if (ropeDimensions % 2 != 0 || ropeDimensions > headLength)
        {
            throw new FormatException($"llama.rope.dimension_count is {ropeDimensions}, not an even number up to the head width {headLength}.");
        }

        if (file.Metadata.GetValueOrDefault("llama.rope.scaling.type")?.Value is string scaling && scaling != "none")
        {
            throw new NotSupportedException($"RoPE scaling {scaling} is not supported.");
        }

        if (file.FindTensor("rope_freqs.weight") is not null)
        {
            throw new NotSupportedException("Per-dimension RoPE frequencies (rope_freqs.weight) are not supported.");
        }

        var ropeBase = file.Metadata.GetValueOrDefault("llama.rope.freq_base")?.AsFloat32() ?? 10000f;
        var epsilon = file.Metadata.GetValueOrDefault("llama.attention.layer_norm_rms_epsilon")?.AsFloat32()
            ?? throw new FormatException("The model has no llama.attention.layer_norm_rms_epsilon.");

        var tokenInfo = file.FindTensor("token_embd.weight") ?? throw new FormatException("The model has no token_embd.weight.");
        if (tokenInfo.Shape.Count != 2 || tokenInfo.Shape[0] != embedding)
        {
            throw new FormatException($"token_embd.weight has shape [{string.Join(", ", tokenInfo.Shape)}], not [{embedding}, vocabulary].");
        }

        var vocabulary = checked((int)tokenInfo.Shape[1]);
        var tokenEmbedding = Read(file, "token_embd.weight", embedding, vocabulary);
        var output = file.FindTensor("output.weight") is null ? tokenEmbedding : Read(file, "output.weight", embedding, vocabulary);
        var kvWidth = kvHeads * headLength;
        var blocks = new Layer[layers];
        for (var l = 0; l < layers; l++)
        {
            var prefix = $"blk.{l}.";
            blocks[l] = new Layer(
                Read(file, prefix + "attn_norm.weight", embedding),
                [
                    Read(file, prefix + "attn_q.weight", embedding, embedding),
                    Read(file, prefix + "attn_k.weight", embedding, kvWidth),
                    Read(file, prefix + "attn_v.weight", embedding, kvWidth),
                    Read(file, prefix + "attn_output.weight", embedding, embedding),
                    Read(file, prefix + "ffn_gate.weight", embedding, feedForward),
                    Read(file, prefix + "ffn_up.weight", embedding, feedForward),
                    Read(file, prefix + "ffn_down.weight", feedForward, embedding),
                ],
                Read(file, prefix + "ffn_norm.weight", embedding));
        }

        return new LlamaTrainingModel(architecture, embedding, heads, kvHeads, feedForward, vocabulary, ropeDimensions, ropeBase,
            epsilon, tokenEmbedding, Read(file, "output_norm.weight", embedding), output, blocks);
    }

    /// <summary>The shape of a projection weight LoRA may target.</summary>
    /// <param name="tensorName">A tensor name <c>blk.N.&lt;kind&gt;.weight</c> with a kind of <see cref="ProjectionKinds"/>.</param>
    /// <returns>Its input width (ggml <c>ne0</c>) and output width (<c>ne1</c>).</returns>
    /// <exception cref="ArgumentException">The name is not such a projection of this model.</exception>
    public (int Input, int Output) ProjectionShape(string tensorName)
    {
        var (_, projection) = ParseTarget(tensorName);
        return Shape(projection);
    }

    /// <summary>The logits of every position of a token sequence, optionally with a LoRA adapter applied.</summary>
    /// <param name="tokens">The token ids, at least one, each in [0, <see cref="VocabularySize"/>).</param>
    /// <param name="adapter">An adapter to apply (its targets must be projections of this model), or <see langword="null"/>.</param>
    /// <param name="scale">The adapter scale, as llama.cpp's run-time scale (the update is multiplied by
    /// <c>scale · alpha / rank</c>). Default 1.</param>
    /// <returns><c>T × V</c> logits, row-major (row <c>t</c> predicts the token after position <c>t</c>).</returns>
    /// <exception cref="ArgumentException">The sequence is empty, a token is out of range, or a target is not a
    /// projection of this model or has the wrong shape.</exception>
    public double[] Logits(ReadOnlySpan<int> tokens, LoraAdapter? adapter = null, float scale = 1f)
    {
        var slots = adapter is null ? null : Slots(adapter, scale);
        var pass = new Pass(this, tokens.ToArray(), slots);
        pass.Forward();
        return pass.Logits;
    }

    /// <summary>Builds the LoRA slots (layer × projection) of an adapter, in 64-bit copies.</summary>
    internal LoraSlot?[][] Slots(LoraAdapter adapter, float scale)
    {
        var slots = EmptySlots();
        var factor = (double)adapter.Factor(scale);
        foreach (var target in adapter.Targets)
        {
            var (layer, projection) = ParseTarget(target.TensorName);
            var (input, output) = Shape(projection);
            if (target.InputLength != input || target.OutputLength != output)
            {
                throw new ArgumentException(
                    $"The target {target.TensorName} is {target.OutputLength} × {target.InputLength}; the model's weight is {output} × {input}.",
                    nameof(adapter));
            }

            slots[layer][projection] = new LoraSlot(target.TensorName, input, output, target.Rank, factor,
                Array.ConvertAll(target.A, v => (double)v), Array.ConvertAll(target.B, v => (double)v));
        }

        return slots;
    }

    internal LoraSlot?[][] EmptySlots()
    {
        var slots = new LoraSlot?[LayerCount][];
        for (var l = 0; l < slots.Length; l++)
        {
            slots[l] = new LoraSlot?[ProjectionKinds.Count];
        }

        return slots;
    }

    internal (int Layer, int Projection) ParseTarget(string tensorName)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        var parts = tensorName.Split('.');
        if (parts.Length == 4 && parts[0] == "blk" && parts[3] == "weight" && int.TryParse(parts[1], out var layer)
            && layer >= 0 && layer < LayerCount && parts[1] == layer.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            var projection = IndexOf(parts[2]);
            if (projection >= 0)
            {
                return (layer, projection);
            }
        }

        throw new ArgumentException(
            $"{tensorName} is not a projection LoRA can target: blk.N.<kind>.weight, N < {LayerCount}, kind one of {string.Join(", ", ProjectionKinds)}.",
            nameof(tensorName));
    }

    internal (int Input, int Output) Shape(int projection)
    {
        var kv = KvHeadCount * HeadLength;
        return projection switch
        {
            Layer.Query => (EmbeddingLength, EmbeddingLength),
            Layer.Key or Layer.Value => (EmbeddingLength, kv),
            Layer.AttentionOutput => (EmbeddingLength, EmbeddingLength),
            Layer.Gate or Layer.Up => (EmbeddingLength, FeedForwardLength),
            _ => (FeedForwardLength, EmbeddingLength),
        };
    }

    private static int IndexOf(string kind)
    {
        for (var i = 0; i < ProjectionKinds.Count; i++)
        {
            if (ProjectionKinds[i] == kind)
            {
                return i;
            }
        }

        return -1;
    }

    private static double[] Read(GgufFile file, string name, params int[] shape)
    {
        var info = file.FindTensor(name) ?? throw new FormatException($"The model has no tensor {name}.");
        if (info.Shape.Count != shape.Length || !info.Shape.Select(d => (int)d).SequenceEqual(shape))
        {
            throw new FormatException($"The tensor {name} has shape [{string.Join(", ", info.Shape)}], not [{string.Join(", ", shape)}].");
        }

        return Array.ConvertAll(file.ReadTensor(info), v => (double)v);
    }

    /// <summary>The frozen weights of one layer; <see cref="Projections"/> indexed like <see cref="ProjectionKinds"/>.</summary>
    internal sealed record Layer(double[] AttentionNorm, double[][] Projections, double[] FeedForwardNorm)
    {
        public const int Query = 0;
        public const int Key = 1;
        public const int Value = 2;
        public const int AttentionOutput = 3;
        public const int Gate = 4;
        public const int Up = 5;
        public const int Down = 6;
    }
}
