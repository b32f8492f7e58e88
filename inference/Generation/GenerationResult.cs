using MemOS.Inference.Llama;

namespace MemOS.Inference.Generation;

/// <summary>What <see cref="IGenerationEngine.GenerateAsync"/> produced.</summary>
/// <param name="Tokens">The generated token ids, in order.</param>
/// <param name="Text">The generated text (the tokens detokenized, special tokens removed).</param>
/// <param name="RestoredFromCache">Whether the block's KV state was restored from the KV cache store (activation
/// memory); <see langword="false"/> when the block was prefilled as text, or there was no block.</param>
/// <param name="CacheMiss">Whether a restore was asked for and the store had no (valid) entry, so the block was
/// prefilled instead.</param>
/// <param name="PromptTokens">The prompt tokens the model decoded before the first generated token: the question's
/// only when the block was restored, the block's and the question's otherwise.</param>
/// <param name="TimeToFirstToken">From the start of prompt processing (KV restore or prefill) to the first sampled
/// token.</param>
/// <param name="Elapsed">From the start of prompt processing to the last token.</param>
/// <param name="StopReason">Why generation stopped.</param>
public sealed record GenerationResult(
    IReadOnlyList<int> Tokens,
    string Text,
    bool RestoredFromCache,
    bool CacheMiss,
    int PromptTokens,
    TimeSpan TimeToFirstToken,
    TimeSpan Elapsed,
    LlamaStopReason StopReason);
