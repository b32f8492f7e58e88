using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using MemOS.Inference.Embeddings;

namespace MemOS.Inference.Llama;

/// <summary>
/// Embeds texts with a GGUF embedding model (for example all-MiniLM-L6-v2, nomic-embed, bge) through llama.cpp:
/// the pooled final hidden state of the text's tokens, L2-normalized.
/// </summary>
/// <remarks>
/// For a text with tokens t_1..t_n (the model's tokenizer, with the BOS/CLS and EOS/SEP tokens it asks for), the model
/// gives hidden states h_1..h_n of <see cref="Dimension"/> floats and the vector is p / ||p|| with p the
/// <see cref="Pooling"/> of them: <see cref="LlamaPooling.Mean"/> (1/n) sum h_i, <see cref="LlamaPooling.Cls"/> h_1
/// (through the classifier head of models that have one), <see cref="LlamaPooling.Last"/> h_n.
/// <see cref="LlamaPooling.ModelDefault"/> takes the pooling the GGUF file names and mean pooling when it names none.
/// <list type="bullet">
/// <item>Texts longer than <see cref="MaxTokens"/> are truncated to their first tokens; a trailing EOS/SEP the model
/// adds is kept, so the truncated text still ends as the model expects. Tokens beyond the limit do not affect the
/// vector.</item>
/// <item>A text with no tokens besides the special ones (the empty text) gets the zero vector.</item>
/// <item>Deterministic: texts are decoded one at a time, as sequence 0 from position 0 in a cleared memory (its
/// buffers zeroed too), so a text's vector depends only on the text, bit for bit. Decoding several texts as
/// sequences of one batch is not: measured with stories260K (4 texts of 5 to 31 tokens, unified KV cache), a text's
/// raw pooled vector moved by up to 1e-6 with other batch-mates or another order (cosine 0.99999994), because the
/// kernels sum in an order that depends on the batch layout; without a unified KV cache llama.cpp even pooled over
/// part of each sequence (cosine 0.976).</item>
/// <item>Thread-safe: one context, used under a lock, so concurrent calls run one after another. The work runs on
/// the calling thread.</item>
/// </list>
/// <see cref="ModelId"/> is <c>gguf-&lt;file name&gt;-&lt;first 8 hex of its SHA-256&gt;-&lt;pooling&gt;</c>, for example
/// <c>gguf-all-minilm-l6-v2-q8_0-1a2b3c4d-mean</c> (the name lower-cased, characters other than letters, digits,
/// <c>.</c>, <c>_</c> and <c>-</c> replaced by <c>-</c>): another file or pooling is another id. The id does not
/// name <see cref="MaxTokens"/>, which changes only the vectors of texts longer than it.
/// </remarks>
public sealed class LlamaEmbedder : IEmbedder, IDisposable
{
    /// <summary>The default <see cref="MaxTokens"/>.</summary>
    public const int DefaultContextTokens = 512;

    private readonly Lock _lock = new();
    private readonly LlamaModel _model;
    private readonly bool _ownsModel;
    private readonly LlamaContext _context;
    private readonly LlamaBatch _batch;
    private bool _disposed;

    /// <summary>Creates an embedder over a loaded model (which the caller keeps and disposes after the embedder).</summary>
    /// <param name="model">The model.</param>
    /// <param name="pooling">The pooling; <see cref="LlamaPooling.ModelDefault"/> for the model's (mean when it names
    /// none). Default <see cref="LlamaPooling.ModelDefault"/>.</param>
    /// <param name="contextTokens">The most tokens of a text that are embedded (longer texts are truncated), at least
    /// 2; capped at the model's training context. Default 512.</param>
    /// <param name="threads">CPU threads; 0 for <see cref="Environment.ProcessorCount"/>. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pooling"/> is <see cref="LlamaPooling.None"/> or
    /// <see cref="LlamaPooling.Rank"/>, or a size is out of range.</exception>
    /// <exception cref="EmbeddingException">The model is a reranker, or llama.cpp could not create a context (the
    /// message names the model file).</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="model"/> is disposed.</exception>
    public LlamaEmbedder(LlamaModel model, LlamaPooling pooling = LlamaPooling.ModelDefault, int contextTokens = DefaultContextTokens, int threads = 0)
        : this(model, pooling, contextTokens, threads, ownsModel: false)
    {
    }

    private LlamaEmbedder(LlamaModel model, LlamaPooling pooling, int contextTokens, int threads, bool ownsModel)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (pooling is not (LlamaPooling.ModelDefault or LlamaPooling.Mean or LlamaPooling.Cls or LlamaPooling.Last))
        {
            throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "An embedder pools with Mean, Cls, Last or the model's default.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(contextTokens, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);

        var effective = pooling == LlamaPooling.ModelDefault
            ? model.Pooling is null or LlamaPooling.None ? LlamaPooling.Mean : model.Pooling.Value
            : pooling;
        if (effective == LlamaPooling.Rank)
        {
            throw new EmbeddingException($"{model.Path} is a reranking model (pooling rank), not an embedding model.");
        }

        var tokens = model.TrainingContextTokens > 0 ? Math.Min(contextTokens, model.TrainingContextTokens) : contextTokens;
        try
        {
            _context = model.CreateContext(new LlamaContextOptions
            {
                ContextTokens = tokens,
                BatchTokens = tokens,
                MicroBatchTokens = tokens,
                Sequences = 1,
                Threads = threads,
                Embeddings = true,
                Pooling = effective,
            });
            _batch = new LlamaBatch(tokens);
        }
        catch (LlamaException exception)
        {
            _context?.Dispose();
            throw new EmbeddingException($"Could not prepare the embedding model {model.Path}: {exception.Message}", false, exception);
        }

        _model = model;
        _ownsModel = ownsModel;
        Pooling = effective;
        MaxTokens = tokens;
        try
        {
            ModelId = FormatModelId(model.Path, model.Sha256, effective);
        }
        catch (LlamaException exception)
        {
            Dispose();
            throw new EmbeddingException(exception.Message, false, exception);
        }
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension => _model.EmbeddingDimension;

    /// <summary>The pooling in effect (never <see cref="LlamaPooling.ModelDefault"/>).</summary>
    public LlamaPooling Pooling { get; }

    /// <summary>The most tokens of a text that are embedded, special tokens included; longer texts are truncated.</summary>
    public int MaxTokens { get; }

    /// <summary>The model.</summary>
    public LlamaModel Model => _model;

    /// <summary>Loads a GGUF model and creates an embedder that owns it (disposing the embedder frees the model).</summary>
    /// <param name="modelPath">The GGUF file.</param>
    /// <param name="pooling">The pooling; <see cref="LlamaPooling.ModelDefault"/> for the model's (mean when it names
    /// none). Default <see cref="LlamaPooling.ModelDefault"/>.</param>
    /// <param name="contextTokens">The most tokens of a text that are embedded (longer texts are truncated), at least
    /// 2; capped at the model's training context. Default 512.</param>
    /// <param name="threads">CPU threads; 0 for <see cref="Environment.ProcessorCount"/>. Default 0.</param>
    /// <returns>The embedder.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pooling"/> is <see cref="LlamaPooling.None"/> or
    /// <see cref="LlamaPooling.Rank"/>, or a size is out of range.</exception>
    /// <exception cref="EmbeddingException">The file does not exist, is not GGUF or was rejected by llama.cpp (the
    /// message names it), the model is a reranker, or the llama.cpp native libraries are missing (run
    /// <c>./memos install</c>).</exception>
    public static LlamaEmbedder Load(
        string modelPath, LlamaPooling pooling = LlamaPooling.ModelDefault, int contextTokens = DefaultContextTokens, int threads = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        LlamaModel model;
        try
        {
            model = LlamaModel.Load(modelPath);
        }
        catch (LlamaException exception)
        {
            throw new EmbeddingException(exception.Message, false, exception);
        }

        try
        {
            return new LlamaEmbedder(model, pooling, contextTokens, threads, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        EmbedderBatch.EmbedEach(texts, Embed, cancellationToken);

    /// <summary>Embeds one text (the synchronous core of <see cref="EmbedAsync"/>).</summary>
    /// <param name="text">The text (any length: truncated to <see cref="MaxTokens"/> tokens).</param>
    /// <returns>A unit vector of <see cref="Dimension"/> floats, or the zero vector for a text with no tokens.</returns>
    /// <exception cref="EmbeddingException">llama.cpp failed to run the model, or it produced a non-finite vector.</exception>
    /// <exception cref="ObjectDisposedException">The embedder is disposed.</exception>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var vector = new float[Dimension];
        var tokens = Truncate(Tokenize(text), out var contentTokens);
        if (contentTokens == 0)
        {
            return vector;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                // Clearing the data too means stale cache rows from an earlier, longer text can never reach this one.
                _context.ClearMemory(data: true);
                _batch.Clear();
                for (var i = 0; i < tokens.Length; i++)
                {
                    _batch.Add(tokens[i], i, 0, output: true);
                }

                _context.Decode(_batch);
                _context.CopySequenceEmbedding(0, vector);
            }
            catch (LlamaException exception)
            {
                throw new EmbeddingException(
                    $"{Path.GetFileName(_model.Path)} could not embed a text of {tokens.Length} tokens: {exception.Message}",
                    exception.IsTransient, exception);
            }
        }

        var norm = TensorPrimitives.Norm(vector);
        if (!float.IsFinite(norm))
        {
            throw new EmbeddingException($"{Path.GetFileName(_model.Path)} produced a non-finite embedding.");
        }

        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    /// <summary>Frees the context, and the model when the embedder loaded it.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _batch.Dispose();
            _context.Dispose();
            if (_ownsModel)
            {
                _model.Dispose();
            }
        }
    }

    private int[] Tokenize(string text)
    {
        try
        {
            return _model.Tokenize(text, addSpecial: true, parseSpecial: false);
        }
        catch (LlamaException exception)
        {
            throw new EmbeddingException(exception.Message, false, exception);
        }
    }

    // Keeps the first MaxTokens tokens, and the model's trailing EOS/SEP in the last place; counts the other tokens.
    private int[] Truncate(int[] tokens, out int contentTokens)
    {
        var leading = tokens.Length > 0 && _model.AddsBos && tokens[0] == _model.BosToken ? 1 : 0;
        var trailing = tokens.Length > leading
            && ((_model.AddsEos && tokens[^1] == _model.EosToken) || (_model.AddsSeparator && tokens[^1] == _model.SeparatorToken))
                ? 1
                : 0;
        contentTokens = tokens.Length - leading - trailing;
        if (tokens.Length <= MaxTokens)
        {
            return tokens;
        }

        var kept = tokens[..MaxTokens];
        if (trailing == 1)
        {
            kept[^1] = tokens[^1];
        }

        contentTokens = MaxTokens - leading - trailing;
        return kept;
    }

    private static string FormatModelId(string path, string sha256, LlamaPooling pooling)
    {
        var name = new StringBuilder();
        foreach (var c in Path.GetFileNameWithoutExtension(path).ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        return string.Create(CultureInfo.InvariantCulture, $"gguf-{name}-{sha256[..8]}-{pooling.ToString().ToLowerInvariant()}");
    }
}
