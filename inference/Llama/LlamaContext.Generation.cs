using System.Diagnostics;
using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

/// <summary>Prefill (one prompt, or several as sequences of one batch) and token generation.</summary>
public sealed partial class LlamaContext
{
    /// <summary>Appends tokens to a sequence's memory, decoding them in batches of at most <see cref="BatchTokens"/>
    /// (<see cref="MicroBatchTokens"/> with embeddings).</summary>
    /// <param name="tokens">The tokens (at least one), each in [0, <see cref="LlamaModel.VocabularySize"/>).</param>
    /// <param name="sequenceId">The sequence, in [0, <see cref="MaxSequences"/>); the tokens go after what it holds.
    /// Default 0.</param>
    /// <param name="outputLast">Output the logits of the last token (to sample what follows). Default
    /// <see langword="true"/>.</param>
    /// <returns>The sequence's next position (the position after the last token).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> or a token id is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> is empty, or the sequence has no room for it
    /// (<see cref="SequenceContextTokens"/>).</exception>
    /// <exception cref="LlamaException">A decode failed (see <see cref="Decode"/>); the tokens of earlier batches stay in
    /// the memory.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public int Prefill(ReadOnlySpan<int> tokens, int sequenceId = 0, bool outputLast = true)
    {
        CheckSequence(sequenceId);
        CheckPrompt(tokens, nameof(tokens));
        var start = GetMaxPosition(sequenceId) + 1;
        CheckRoom(sequenceId, start, tokens.Length);
        var chunk = Embeddings ? Math.Min(BatchTokens, MicroBatchTokens) : BatchTokens;
        var batch = Scratch;
        for (var offset = 0; offset < tokens.Length; offset += chunk)
        {
            batch.Clear();
            var end = Math.Min(tokens.Length, offset + chunk);
            for (var i = offset; i < end; i++)
            {
                batch.Add(tokens[i], start + i, sequenceId, outputLast && i == tokens.Length - 1);
            }

            Decode(batch);
        }

        return start + tokens.Length;
    }

    /// <summary>Appends one prompt to each of several sequences, decoding them together: the tokens of consecutive
    /// prompts fill batches of <see cref="BatchTokens"/>, so many short prompts cost a few large decodes instead of
    /// many small ones. No logits are output; save each sequence's state afterwards (<see cref="SaveSequenceState(int)"/>).</summary>
    /// <param name="prompts">The prompts (at least one), each at least one token; prompt i goes to sequence
    /// <paramref name="firstSequenceId"/> + i, after what that sequence holds.</param>
    /// <param name="firstSequenceId">The sequence of the first prompt. Default 0.</param>
    /// <remarks>Each sequence attends to its own tokens only, so its cells equal those of the prompt decoded alone up
    /// to float rounding (the kernels sum in an order that depends on the batch layout). With a unified KV cache the
    /// sequences share the context's <see cref="ContextTokens"/>, and each micro-batch attends over the cells of all of
    /// them (masked), which costs more attention per token than decoding alone as the batch grows.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="prompts"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">There are more prompts than sequences from
    /// <paramref name="firstSequenceId"/>, or a sequence or token id is out of range.</exception>
    /// <exception cref="ArgumentException">A prompt is empty, or there is no room for it.</exception>
    /// <exception cref="LlamaException">A decode failed (see <see cref="Decode"/>); the tokens of earlier batches stay in
    /// the memory.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public void PrefillSequences(IReadOnlyList<ReadOnlyMemory<int>> prompts, int firstSequenceId = 0)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        }

        CheckSequence(firstSequenceId, nameof(firstSequenceId));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prompts.Count, MaxSequences - firstSequenceId, nameof(prompts));
        var starts = new int[prompts.Count];
        long cells = 0;
        for (var p = 0; p < prompts.Count; p++)
        {
            CheckPrompt(prompts[p].Span, nameof(prompts));
            starts[p] = GetMaxPosition(firstSequenceId + p) + 1;
            CheckRoom(firstSequenceId + p, starts[p], prompts[p].Length);
            cells += starts[p] + prompts[p].Length;
        }

        if (UnifiedKvCache && cells > ContextTokens)
        {
            throw new ArgumentException(
                $"The sequences would hold {cells} tokens; this context's unified cache holds {ContextTokens}.", nameof(prompts));
        }

        var chunk = Embeddings ? Math.Min(BatchTokens, MicroBatchTokens) : BatchTokens;
        var batch = Scratch;
        batch.Clear();
        for (var p = 0; p < prompts.Count; p++)
        {
            var tokens = prompts[p].Span;
            for (var i = 0; i < tokens.Length; i++)
            {
                batch.Add(tokens[i], starts[p] + i, firstSequenceId + p, output: false);
                if (batch.Count == chunk)
                {
                    Decode(batch);
                    batch.Clear();
                }
            }
        }

        if (batch.Count > 0)
        {
            Decode(batch);
            batch.Clear();
        }
    }

    /// <summary>Decodes a prompt into a sequence, then samples up to <paramref name="maxTokens"/> tokens, decoding each
    /// one (but the last) after it to sample the next.</summary>
    /// <param name="prompt">The tokens to decode first (at least one): the whole prompt, or, after
    /// <see cref="RestoreSequenceState"/> of its beginning, only the rest of it.</param>
    /// <param name="sampler">Picks each token (its state advances; <see cref="LlamaSampler.Reset"/> it to repeat a run).</param>
    /// <param name="maxTokens">The most tokens generated, at least 1.</param>
    /// <param name="sequenceId">The sequence, in [0, <see cref="MaxSequences"/>); the prompt goes after what it holds.
    /// Default 0.</param>
    /// <param name="stopAtEndOfGeneration">Stop after an end-of-generation token (which is returned). Default
    /// <see langword="true"/>.</param>
    /// <param name="onToken">Called with each token as it is sampled (to stream it); returning <see langword="false"/>
    /// stops the generation after that token. Default none.</param>
    /// <returns>The tokens, the time to the first one and why it stopped. The sequence then holds the prompt and every
    /// generated token but the last.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sampler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/>, <paramref name="sequenceId"/> or a
    /// token id is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is empty, or the sequence has no room for the prompt
    /// and the generated tokens (<see cref="SequenceContextTokens"/>).</exception>
    /// <exception cref="InvalidOperationException">The context outputs embeddings.</exception>
    /// <exception cref="LlamaException">A decode failed (see <see cref="Decode"/>).</exception>
    /// <exception cref="ObjectDisposedException">The context or the sampler is disposed.</exception>
    public LlamaGeneration Generate(
        ReadOnlySpan<int> prompt, LlamaSampler sampler, int maxTokens, int sequenceId = 0, bool stopAtEndOfGeneration = true,
        Func<int, bool>? onToken = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        if (Embeddings)
        {
            throw new InvalidOperationException("This context outputs embeddings, not logits: it cannot generate.");
        }

        var started = Stopwatch.GetTimestamp();
        CheckSequence(sequenceId);
        CheckPrompt(prompt, nameof(prompt));
        CheckRoom(sequenceId, GetMaxPosition(sequenceId) + 1, prompt.Length + maxTokens - 1);
        var position = Prefill(prompt, sequenceId);
        var tokens = new List<int>(maxTokens);
        var firstToken = TimeSpan.Zero;
        var reason = LlamaStopReason.MaxTokens;
        var batch = Scratch;
        while (true)
        {
            var token = sampler.Sample(this);
            if (tokens.Count == 0)
            {
                firstToken = Stopwatch.GetElapsedTime(started);
            }

            tokens.Add(token);
            if (stopAtEndOfGeneration && IsEndOfGeneration(token))
            {
                reason = LlamaStopReason.EndOfGeneration;
                break;
            }

            if (onToken is not null && !onToken(token))
            {
                reason = LlamaStopReason.Stopped;
                break;
            }

            if (tokens.Count == maxTokens)
            {
                break;
            }

            batch.Clear();
            batch.Add(token, position++, sequenceId, output: true);
            Decode(batch);
        }

        return new LlamaGeneration(tokens, prompt.Length, firstToken, Stopwatch.GetElapsedTime(started), reason);
    }

    // Through the context's own reference on the model, which outlives a disposed LlamaModel.
    private bool IsEndOfGeneration(int token)
    {
        using var lease = new HandleLease(_handle);
        return LlamaNative.llama_vocab_is_eog(_vocab, token);
    }

    private void CheckPrompt(ReadOnlySpan<int> tokens, string name)
    {
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("A prompt has at least one token.", name);
        }

        // llama.cpp rejects them too, but only after the batches before the bad token went into the memory.
        var vocabulary = Model.VocabularySize;
        foreach (var token in tokens)
        {
            if ((uint)token >= (uint)vocabulary)
            {
                throw new ArgumentOutOfRangeException(name, token, $"Token ids are in [0, {vocabulary}).");
            }
        }
    }

    private void CheckRoom(int sequenceId, int start, int count)
    {
        if ((long)start + count > SequenceContextTokens)
        {
            throw new ArgumentException(
                $"Sequence {sequenceId} holds {start} tokens; {count} more exceed the {SequenceContextTokens} one sequence of this context holds.");
        }
    }
}
