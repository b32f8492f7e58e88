using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

/// <summary>A llama.cpp context over a <see cref="LlamaModel"/>: its KV cache (memory) and the outputs of the last
/// <see cref="Decode"/>. Not thread-safe: one caller at a time (callers that share one lock around it).</summary>
/// <remarks>Output accessors copy out of llama.cpp's buffers, which the next <see cref="Decode"/> overwrites.</remarks>
public sealed partial class LlamaContext : IDisposable
{
    private readonly LlamaContextHandle _handle;
    private readonly nint _vocab; // owned by the model, which the handle keeps alive
    private LlamaBatch? _scratch;

    internal LlamaContext(LlamaModel model, LlamaContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContextTokens, nameof(options.ContextTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(options.BatchTokens, nameof(options.BatchTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MicroBatchTokens, nameof(options.MicroBatchTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads, nameof(options.Threads));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Sequences, 1, nameof(options.Sequences));
        if (!Enum.IsDefined(options.Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Pooling, "Unknown pooling.");
        }

        var maxSequences = (int)LlamaNative.llama_max_parallel_sequences();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Sequences, maxSequences, nameof(options.Sequences));
        var pooling = options.Pooling == LlamaPooling.ModelDefault ? model.Pooling ?? LlamaPooling.None : options.Pooling;
        if (options.Embeddings && pooling != LlamaPooling.None && options.Sequences > 1 && !options.UnifiedKvCache)
        {
            // Measured with stories260K: llama.cpp then splits the batch per stream and pools each sequence over its
            // last piece only, silently (cosine 0.976 to the true vector).
            throw new ArgumentException(
                $"Pooled embeddings of {options.Sequences} sequences need {nameof(LlamaContextOptions.UnifiedKvCache)}.", nameof(options));
        }

        Model = model;
        var contextTokens = options.ContextTokens == 0 ? model.TrainingContextTokens : options.ContextTokens;
        var batchTokens = options.BatchTokens == 0 ? contextTokens : options.BatchTokens;
        var microBatchTokens = options.MicroBatchTokens == 0 ? batchTokens : options.MicroBatchTokens;
        var reserved = Math.Min(microBatchTokens, batchTokens); // llama.cpp caps it at the context too for causal models
        if (options.Embeddings && pooling == LlamaPooling.Mean && options.Sequences > 1
            && (reserved % options.Sequences != 0 || Math.Min(reserved, contextTokens) % options.Sequences != 0))
        {
            // llama.cpp aborts the process (GGML_ASSERT in its mean-pooling graph) when it reserves such a context.
            throw new ArgumentException(
                $"Mean pooling of {options.Sequences} sequences needs a micro-batch ({microBatchTokens} tokens, at most the " +
                $"batch and context) that is a multiple of {options.Sequences}.", nameof(options));
        }

        var threads = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        var parameters = LlamaNative.llama_context_default_params();
        parameters.ContextTokens = (uint)contextTokens;
        parameters.BatchTokens = (uint)batchTokens;
        parameters.MicroBatchTokens = (uint)microBatchTokens;
        parameters.MaxSequences = (uint)options.Sequences;
        parameters.Threads = threads;
        parameters.BatchThreads = threads;
        parameters.Embeddings = options.Embeddings ? (byte)1 : (byte)0;
        parameters.PoolingType = (int)options.Pooling;
        parameters.KvUnified = options.UnifiedKvCache ? (byte)1 : (byte)0;
        parameters.NoPerf = 1;

        var modelHandle = model.Handle;
        using (new HandleLease(modelHandle))
        {
            LlamaLog.ClearLastError();
            _handle = LlamaNative.llama_init_from_model(modelHandle, parameters);
            if (_handle.IsInvalid)
            {
                _handle.Dispose();
                throw new LlamaException(
                    $"llama.cpp could not create a context of {contextTokens} tokens for {Path.GetFileName(model.Path)}{LlamaLog.LastErrorSuffix()}");
            }

            _handle.KeepModelAlive(modelHandle);
            _vocab = LlamaNative.llama_model_get_vocab(modelHandle);
        }

        Embeddings = options.Embeddings;
        UnifiedKvCache = options.UnifiedKvCache;
        ContextTokens = (int)LlamaNative.llama_n_ctx(_handle);
        BatchTokens = (int)LlamaNative.llama_n_batch(_handle);
        MicroBatchTokens = (int)LlamaNative.llama_n_ubatch(_handle);
        SequenceContextTokens = (int)LlamaNative.llama_n_ctx_seq(_handle);
        MaxSequences = (int)LlamaNative.llama_n_seq_max(_handle);
        Threads = LlamaNative.llama_n_threads(_handle);
        Pooling = (LlamaPooling)LlamaNative.llama_pooling_type(_handle);
    }

    /// <summary>The model.</summary>
    public LlamaModel Model { get; }

    /// <summary>The context size llama.cpp allocated, in tokens: the one asked for rounded up to a multiple of 256
    /// per sequence.</summary>
    public int ContextTokens { get; }

    /// <summary>The tokens one sequence can hold (<see cref="ContextTokens"/> divided among <see cref="MaxSequences"/>).</summary>
    public int SequenceContextTokens { get; }

    /// <summary>The most tokens one <see cref="Decode"/> takes.</summary>
    public int BatchTokens { get; }

    /// <summary>The physical batch size, in tokens.</summary>
    public int MicroBatchTokens { get; }

    /// <summary>The number of sequence ids (0 to <see cref="MaxSequences"/> - 1).</summary>
    public int MaxSequences { get; }

    /// <summary>The CPU threads decoding uses.</summary>
    public int Threads { get; }

    /// <summary>Whether decoding outputs embeddings.</summary>
    public bool Embeddings { get; }

    /// <summary>Whether all sequences share one KV cache buffer (<see cref="LlamaContextOptions.UnifiedKvCache"/>).</summary>
    public bool UnifiedKvCache { get; }

    /// <summary>The number of KV cache streams: 1 with a unified cache, else one per sequence. A saved sequence state
    /// restores only into a context with as many streams (see <see cref="RestoreSequenceState"/>).</summary>
    public int KvStreams => UnifiedKvCache ? 1 : MaxSequences;

    /// <summary>The pooling in effect (the model's when <see cref="LlamaPooling.ModelDefault"/> was asked; llama.cpp
    /// resolves a model without one to <see cref="LlamaPooling.None"/>).</summary>
    public LlamaPooling Pooling { get; }

    /// <summary>Runs the model over a batch, adding its tokens to the memory of their sequences.</summary>
    /// <param name="batch">The tokens (at least one; at most <see cref="BatchTokens"/>, and at most
    /// <see cref="MicroBatchTokens"/> with embeddings).</param>
    /// <exception cref="ArgumentException">The batch is empty or too large for this context.</exception>
    /// <exception cref="LlamaException">llama.cpp refused or failed: an invalid token, sequence id or position, no room
    /// left in the memory (<see cref="MemOSException.IsTransient"/> is then <see langword="true"/>: free some and retry),
    /// or a compute failure. The message gives llama.cpp's error line.</exception>
    /// <exception cref="ObjectDisposedException">The context or batch is disposed.</exception>
    public void Decode(LlamaBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var count = batch.Count;
        if (count == 0)
        {
            throw new ArgumentException("The batch is empty.", nameof(batch));
        }

        // llama.cpp asserts (aborting the process) on these instead of returning an error.
        if (count > BatchTokens)
        {
            throw new ArgumentException($"The batch has {count} tokens; this context decodes at most {BatchTokens} at once.", nameof(batch));
        }

        // Pooled embeddings are wrong across micro-batches, and non-causal (BERT-like) models assert on it.
        if (Embeddings && count > MicroBatchTokens)
        {
            throw new ArgumentException(
                $"The batch has {count} tokens; with embeddings it must fit one micro-batch of {MicroBatchTokens}.", nameof(batch));
        }

        using var batchLease = new HandleLease(batch.Handle);
        LlamaLog.ClearLastError();
        var result = LlamaNative.llama_decode(_handle, batch.Handle.Batch);
        if (result != 0)
        {
            var reason = result switch
            {
                1 => "no room in the context's memory for the batch",
                2 => "aborted",
                -1 => "invalid batch",
                _ => $"error {result}",
            };
            throw new LlamaException($"llama_decode failed ({reason}){LlamaLog.LastErrorSuffix()}", isTransient: result == 1);
        }
    }

    /// <summary>Copies the pooled embedding of a sequence from the last <see cref="Decode"/>.</summary>
    /// <param name="sequenceId">The sequence.</param>
    /// <param name="destination"><see cref="LlamaModel.EmbeddingDimension"/> floats (raw, not normalized).</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The context has no pooled embeddings, or the last decode had no
    /// token of that sequence.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public unsafe void CopySequenceEmbedding(int sequenceId, Span<float> destination)
    {
        if (!Embeddings || Pooling is LlamaPooling.None or LlamaPooling.Rank)
        {
            throw new InvalidOperationException($"This context has no pooled embeddings (embeddings {Embeddings}, pooling {Pooling}).");
        }

        using var lease = new HandleLease(_handle);
        CopyRow(LlamaNative.llama_get_embeddings_seq(_handle, sequenceId), Model.EmbeddingDimension, destination, $"sequence {sequenceId}");
    }

    /// <summary>Copies the embedding of one output token of the last <see cref="Decode"/> (pooling
    /// <see cref="LlamaPooling.None"/>).</summary>
    /// <param name="outputIndex">The token's index in the batch (negative counts from the end).</param>
    /// <param name="destination"><see cref="LlamaModel.EmbeddingDimension"/> floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The context has no token embeddings, or the token was not output.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public unsafe void CopyTokenEmbedding(int outputIndex, Span<float> destination)
    {
        if (!Embeddings || Pooling != LlamaPooling.None)
        {
            throw new InvalidOperationException($"This context has no token embeddings (embeddings {Embeddings}, pooling {Pooling}).");
        }

        using var lease = new HandleLease(_handle);
        CopyRow(LlamaNative.llama_get_embeddings_ith(_handle, outputIndex), Model.EmbeddingDimension, destination, $"token {outputIndex}");
    }

    /// <summary>Copies the logits of one output token of the last <see cref="Decode"/>.</summary>
    /// <param name="outputIndex">The token's index in the batch (negative counts from the end).</param>
    /// <param name="destination"><see cref="LlamaModel.VocabularySize"/> floats: unnormalized log-probabilities of
    /// the next token.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The token was not output, or the context outputs embeddings.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public unsafe void CopyLogits(int outputIndex, Span<float> destination)
    {
        if (Embeddings)
        {
            throw new InvalidOperationException("This context outputs embeddings, not logits.");
        }

        using var lease = new HandleLease(_handle);
        CopyRow(LlamaNative.llama_get_logits_ith(_handle, outputIndex), Model.VocabularySize, destination, $"token {outputIndex}");
    }

    /// <summary>Empties the memory (KV cache) of every sequence; the next decode starts afresh.</summary>
    /// <param name="data">Also zero the cache buffers, not only their bookkeeping (slower; makes no later result
    /// depend on earlier contents).</param>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public void ClearMemory(bool data = false)
    {
        using var lease = new HandleLease(_handle);
        var memory = LlamaNative.llama_get_memory(_handle);
        if (memory != nint.Zero)
        {
            LlamaNative.llama_memory_clear(memory, data);
        }
    }

    /// <summary>Removes a sequence's tokens at positions [<paramref name="fromPosition"/>, <paramref name="toPosition"/>)
    /// from the memory.</summary>
    /// <param name="sequenceId">The sequence, or -1 for every sequence.</param>
    /// <param name="fromPosition">The first position removed; negative for 0.</param>
    /// <param name="toPosition">The position after the last removed; negative for the end.</param>
    /// <returns><see langword="false"/> when the memory cannot remove part of a sequence (recurrent models); removing a
    /// whole sequence always succeeds.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> is not -1 or a sequence of this
    /// context.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public bool RemoveTokens(int sequenceId, int fromPosition = -1, int toPosition = -1)
    {
        // llama.cpp asserts (aborting the process) on a sequence id out of range.
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceId, -1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sequenceId, MaxSequences);
        using var lease = new HandleLease(_handle);
        var memory = LlamaNative.llama_get_memory(_handle);
        return memory == nint.Zero || LlamaNative.llama_memory_seq_rm(memory, sequenceId, fromPosition, toPosition);
    }

    /// <summary>The largest position of a sequence in the memory.</summary>
    /// <param name="sequenceId">The sequence.</param>
    /// <returns>The position, or -1 when the sequence is empty (or the model keeps no memory).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> is not a sequence of this context.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public int GetMaxPosition(int sequenceId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sequenceId, MaxSequences);
        using var lease = new HandleLease(_handle);
        var memory = LlamaNative.llama_get_memory(_handle);
        return memory == nint.Zero ? -1 : LlamaNative.llama_memory_seq_pos_max(memory, sequenceId);
    }

    /// <summary>Frees the context (and the model, if it was disposed already and this was its last context).</summary>
    public void Dispose()
    {
        _scratch?.Dispose();
        _handle.Dispose();
    }

    /// <summary>The native handle, for samplers (the caller holds a lease on it).</summary>
    internal LlamaContextHandle Handle => _handle;

    /// <summary>Checks that the last decode output logits for a token, as <c>llama_sampler_sample</c> asserts (aborting
    /// the process) when it did not.</summary>
    /// <param name="outputIndex">The token's index in the batch (negative counts from the end).</param>
    /// <exception cref="InvalidOperationException">The context outputs embeddings, or the token was not output.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    internal unsafe void RequireLogits(int outputIndex)
    {
        if (Embeddings)
        {
            throw new InvalidOperationException("This context outputs embeddings, not logits.");
        }

        using var lease = new HandleLease(_handle);
        LlamaLog.ClearLastError();
        if (LlamaNative.llama_get_logits_ith(_handle, outputIndex) is null)
        {
            LlamaLog.ClearLastError(); // llama.cpp logged the refusal as an error; the exception says it
            throw new InvalidOperationException($"The last decode has no logits for token {outputIndex}.");
        }
    }

    /// <summary>A batch of <see cref="BatchTokens"/> tokens owned by the context, for its own decodes.</summary>
    private LlamaBatch Scratch => _scratch ??= new LlamaBatch(BatchTokens);

    private static unsafe void CopyRow(float* row, int length, Span<float> destination, string what)
    {
        if (destination.Length != length)
        {
            throw new ArgumentException($"The destination must hold {length} floats, not {destination.Length}.", nameof(destination));
        }

        if (row is null)
        {
            throw new InvalidOperationException($"The last decode has no output for {what}.");
        }

        new ReadOnlySpan<float>(row, length).CopyTo(destination);
    }
}
