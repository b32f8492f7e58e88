using MemOS.Inference.KvCache;

namespace MemOS.Inference.Generation;

/// <summary>A silo's generation model with its KV cache store: prepares memory blocks and questions as tokens,
/// precomputes the KV caches of blocks (activation memory) in batches, and generates with a block restored from its
/// cache or prefilled as text. One per silo (the model is loaded once); thread-safe.</summary>
public interface IGenerationEngine
{
    /// <summary>Whether a model is loaded; when <see langword="false"/>, every method but <see cref="UnavailableReason"/>
    /// throws <see cref="InferenceUnavailableException"/>.</summary>
    bool IsAvailable { get; }

    /// <summary>Why the engine is unavailable (naming the setting or the missing file), or <see langword="null"/>.</summary>
    string? UnavailableReason { get; }

    /// <summary>The model, template and sizes.</summary>
    /// <returns>The description.</returns>
    /// <exception cref="InferenceUnavailableException">No model is loaded.</exception>
    GenerationModelInfo Describe();

    /// <summary>Renders and tokenizes a memory block with the engine's template.</summary>
    /// <param name="memoryContext">The rendered memories (non-empty).</param>
    /// <returns>The block with its KV cache key.</returns>
    /// <exception cref="ArgumentException"><paramref name="memoryContext"/> is empty.</exception>
    /// <exception cref="InferenceUnavailableException">No model is loaded.</exception>
    MemoryBlockPrompt PrepareBlock(string memoryContext);

    /// <summary>Renders and tokenizes a question with the engine's template.</summary>
    /// <param name="question">The user's message.</param>
    /// <param name="afterBlock">Whether it follows a memory block (then it gets no BOS).</param>
    /// <returns>The question's tokens (at least one).</returns>
    /// <exception cref="InferenceUnavailableException">No model is loaded.</exception>
    int[] PrepareQuestion(string question, bool afterBlock);

    /// <summary>Computes and stores the KV caches of blocks the store lacks, decoding up to
    /// <see cref="GenerationModelInfo.PrecomputeMaxBatch"/> of them together (one multi-sequence decode per group).</summary>
    /// <param name="blocks">The blocks, each at most <see cref="GenerationModelInfo.ContextTokens"/> tokens.</param>
    /// <param name="cancellationToken">Cancels the wait for the precompute context (not a decode under way).</param>
    /// <returns>For each block, in order, its entry (new or already stored), or <see langword="null"/> when its state
    /// is larger than the store's cap.</returns>
    /// <exception cref="ArgumentException">A block is too long for the context.</exception>
    /// <exception cref="InferenceUnavailableException">No model is loaded.</exception>
    /// <exception cref="Llama.LlamaException">A decode failed.</exception>
    /// <exception cref="IOException">The store could not write an entry.</exception>
    Task<IReadOnlyList<KvCacheEntry?>> PrecomputeAsync(IReadOnlyList<MemoryBlockPrompt> blocks, CancellationToken cancellationToken = default);

    /// <summary>Generates an answer: the block (if any) restored from its KV cache when <paramref name="restoreBlock"/>
    /// and the store has it, else prefilled as text, then the question prefilled and tokens sampled. With
    /// <see cref="GenerationSettings.Adapters"/>, those LoRA adapters are applied for this generation only, and the block is
    /// always prefilled (its stored KV cache was computed without them).</summary>
    /// <param name="block">The memory block, or <see langword="null"/> for none.</param>
    /// <param name="question">The question's tokens from <see cref="PrepareQuestion"/>.</param>
    /// <param name="restoreBlock">Whether to try the block's KV cache.</param>
    /// <param name="settings">Length and sampling.</param>
    /// <param name="cancellationToken">Cancels the wait for the generation context (not a generation under way).</param>
    /// <returns>The tokens, text, form used and time to first token.</returns>
    /// <exception cref="ArgumentException">The block, the question and <see cref="GenerationSettings.MaxTokens"/> do not
    /// fit <see cref="GenerationModelInfo.ContextTokens"/>, or the question is empty.</exception>
    /// <exception cref="InferenceUnavailableException">No model is loaded.</exception>
    /// <exception cref="Lora.LoraAdapterMismatchException">An adapter was made for another base model (the message names
    /// both hashes).</exception>
    /// <exception cref="Llama.LlamaException">A decode failed, or an adapter file is missing or not a MemOS LoRA adapter.</exception>
    Task<GenerationResult> GenerateAsync(
        MemoryBlockPrompt? block, ReadOnlyMemory<int> question, bool restoreBlock, GenerationSettings settings,
        CancellationToken cancellationToken = default);

    /// <summary>Whether the store holds a key's KV cache (its recency is unchanged).</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when stored.</returns>
    /// <exception cref="InferenceUnavailableException">No model is loaded.</exception>
    bool HasCache(KvCacheKey key);

    /// <summary>Deletes a key's KV cache (a demoted or invalidated activation, an erased memory).</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether the store had it.</returns>
    /// <exception cref="InferenceUnavailableException">No model is loaded.</exception>
    bool DropCache(KvCacheKey key);
}
