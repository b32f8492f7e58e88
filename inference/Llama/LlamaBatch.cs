using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

/// <summary>The tokens of one <see cref="LlamaContext.Decode"/> call: each with its position, its sequence(s) and
/// whether its output (logits or token embedding) is wanted. Native memory (<c>llama_batch_init</c>), reusable after
/// <see cref="Clear"/>; not thread-safe.</summary>
public sealed class LlamaBatch : IDisposable
{
    private readonly LlamaBatchHandle _handle;

    /// <summary>Allocates a batch.</summary>
    /// <param name="capacity">The most tokens it holds, at least 1.</param>
    /// <param name="maxSequencesPerToken">The most sequences one token may belong to (a shared prompt prefix belongs
    /// to several), at least 1. Default 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="LlamaException">The native libraries are missing.</exception>
    public LlamaBatch(int capacity, int maxSequencesPerToken = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequencesPerToken, 1);
        LlamaLibrary.Initialize();
        _handle = new LlamaBatchHandle(capacity, maxSequencesPerToken);
        if (_handle.IsInvalid)
        {
            throw new OutOfMemoryException($"llama_batch_init could not allocate a batch of {capacity} tokens.");
        }

        Capacity = capacity;
        MaxSequencesPerToken = maxSequencesPerToken;
    }

    /// <summary>The most tokens the batch holds.</summary>
    public int Capacity { get; }

    /// <summary>The most sequences one token may belong to.</summary>
    public int MaxSequencesPerToken { get; }

    /// <summary>The tokens added since the last <see cref="Clear"/>.</summary>
    public int Count => _handle.Batch.TokenCount;

    /// <summary>Adds a token of one sequence.</summary>
    /// <param name="token">The token id.</param>
    /// <param name="position">Its position in the sequence, from 0.</param>
    /// <param name="sequenceId">Its sequence, from 0 (below the context's <see cref="LlamaContext.MaxSequences"/>).</param>
    /// <param name="output">Whether its logits (or token embedding) are wanted. Pooled embeddings need every token
    /// output.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    /// <exception cref="InvalidOperationException">The batch is full.</exception>
    /// <exception cref="ObjectDisposedException">The batch is disposed.</exception>
    public void Add(int token, int position, int sequenceId, bool output) => Add(token, position, [sequenceId], output);

    /// <summary>Adds a token that belongs to several sequences (a shared prefix).</summary>
    /// <param name="token">The token id.</param>
    /// <param name="position">Its position in the sequences, from 0.</param>
    /// <param name="sequenceIds">Its sequences: 1 to <see cref="MaxSequencesPerToken"/> ids, each from 0.</param>
    /// <param name="output">Whether its logits (or token embedding) are wanted.</param>
    /// <exception cref="ArgumentException"><paramref name="sequenceIds"/> has too few or too many ids.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    /// <exception cref="InvalidOperationException">The batch is full.</exception>
    /// <exception cref="ObjectDisposedException">The batch is disposed.</exception>
    public unsafe void Add(int token, int position, ReadOnlySpan<int> sequenceIds, bool output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        if (sequenceIds.Length < 1 || sequenceIds.Length > MaxSequencesPerToken)
        {
            throw new ArgumentException($"A token belongs to 1 to {MaxSequencesPerToken} sequences.", nameof(sequenceIds));
        }

        foreach (var sequenceId in sequenceIds)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(sequenceId, nameof(sequenceIds));
        }

        using var lease = new HandleLease(_handle);
        ref var batch = ref _handle.Batch;
        var i = batch.TokenCount;
        if (i >= Capacity)
        {
            throw new InvalidOperationException($"The batch is full ({Capacity} tokens).");
        }

        batch.Token[i] = token;
        batch.Position[i] = position;
        batch.SequenceIdCount[i] = sequenceIds.Length;
        for (var s = 0; s < sequenceIds.Length; s++)
        {
            batch.SequenceId[i][s] = sequenceIds[s];
        }

        batch.Output[i] = output ? (sbyte)1 : (sbyte)0;
        batch.TokenCount = i + 1;
    }

    /// <summary>Empties the batch (the memory is kept for reuse).</summary>
    /// <exception cref="ObjectDisposedException">The batch is disposed.</exception>
    public void Clear()
    {
        using var lease = new HandleLease(_handle);
        _handle.Batch.TokenCount = 0;
    }

    /// <summary>The native batch, for <see cref="LlamaContext.Decode"/> (the caller holds a lease on
    /// <see cref="Handle"/>).</summary>
    internal LlamaBatchHandle Handle => _handle;

    /// <summary>Frees the native memory.</summary>
    public void Dispose() => _handle.Dispose();
}
