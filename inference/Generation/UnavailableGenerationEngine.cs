using MemOS.Inference.KvCache;

namespace MemOS.Inference.Generation;

/// <summary>The engine of a silo without a generation model: every operation throws
/// <see cref="InferenceUnavailableException"/> with the reason, while the rest of the silo works.</summary>
/// <param name="reason">Why, naming the setting to set (for example <c>MemOS:Inference:ModelPath</c>) or the file or
/// library that is missing.</param>
public sealed class UnavailableGenerationEngine(string reason) : IGenerationEngine
{
    /// <inheritdoc />
    public bool IsAvailable => false;

    /// <inheritdoc />
    public string? UnavailableReason { get; } = reason;

    /// <inheritdoc />
    public GenerationModelInfo Describe() => throw Unavailable();

    /// <inheritdoc />
    public MemoryBlockPrompt PrepareBlock(string memoryContext) => throw Unavailable();

    /// <inheritdoc />
    public int[] PrepareQuestion(string question, bool afterBlock) => throw Unavailable();

    /// <inheritdoc />
    public Task<IReadOnlyList<KvCacheEntry?>> PrecomputeAsync(
        IReadOnlyList<MemoryBlockPrompt> blocks, CancellationToken cancellationToken = default) => throw Unavailable();

    /// <inheritdoc />
    public Task<GenerationResult> GenerateAsync(
        MemoryBlockPrompt? block, ReadOnlyMemory<int> question, bool restoreBlock, GenerationSettings settings,
        CancellationToken cancellationToken = default) => throw Unavailable();

    /// <inheritdoc />
    public bool HasCache(KvCacheKey key) => throw Unavailable();

    /// <inheritdoc />
    public bool DropCache(KvCacheKey key) => throw Unavailable();

    private InferenceUnavailableException Unavailable() => new(UnavailableReason!);
}
