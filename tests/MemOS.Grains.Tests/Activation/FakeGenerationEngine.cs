using System.Collections.Concurrent;
using MemOS.Inference.Generation;
using MemOS.Inference.KvCache;
using MemOS.Inference.Llama;

namespace MemOS.Grains.Tests.Activation;

/// <summary>A generation engine without a model, for the grains' activation logic: a character is a token, a
/// "KV cache" is a key in a set, and every precompute call (one per worker drain) is recorded.</summary>
internal sealed class FakeGenerationEngine : IGenerationEngine
{
    public const string ModelSha256 = "ababababababababababababababababababababababababababababababab12";
    public const string Template = "fake/v1";
    public static readonly int[] Answer = [7, 8, 9];

    private readonly ConcurrentDictionary<string, KvCacheEntry> _stored = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _precomputed = new(0);

    public FakeGenerationEngine(int contextTokens = 8192) => ContextTokens = contextTokens;

    public int ContextTokens { get; }

    /// <summary>Each precompute call's blocks, in call order.</summary>
    public ConcurrentQueue<IReadOnlyList<MemoryBlockPrompt>> Precomputes { get; } = new();

    /// <summary>The keys dropped, in order.</summary>
    public ConcurrentQueue<string> Dropped { get; } = new();

    /// <summary>The generations: whether each restored its block.</summary>
    public ConcurrentQueue<bool> Restores { get; } = new();

    public bool IsAvailable => true;

    public string? UnavailableReason => null;

    public GenerationModelInfo Describe() => new("fake", "/fake.gguf", ModelSha256, Template, ContextTokens, 8);

    public MemoryBlockPrompt PrepareBlock(string memoryContext)
    {
        ArgumentException.ThrowIfNullOrEmpty(memoryContext);
        int[] tokens = [1, .. memoryContext.Select(c => (int)c)];
        return new MemoryBlockPrompt(memoryContext, tokens, new KvCacheKey(ModelSha256, Template, tokens));
    }

    public int[] PrepareQuestion(string question, bool afterBlock)
        => afterBlock ? [.. question.Select(c => (int)c)] : [1, .. question.Select(c => (int)c)];

    public Task<IReadOnlyList<KvCacheEntry?>> PrecomputeAsync(IReadOnlyList<MemoryBlockPrompt> blocks, CancellationToken cancellationToken = default)
    {
        Precomputes.Enqueue(blocks);
        var now = DateTimeOffset.UnixEpoch;
        var entries = blocks.Select(b => (KvCacheEntry?)_stored.GetOrAdd(b.Key.Id, _ => new KvCacheEntry(
            b.Key.Id, ModelSha256, Template, b.Tokens.Length, b.Key.TokensSha256, b.Tokens.Length * 16L, now, now))).ToList();
        _precomputed.Release();
        return Task.FromResult<IReadOnlyList<KvCacheEntry?>>(entries);
    }

    public Task<GenerationResult> GenerateAsync(
        MemoryBlockPrompt? block, ReadOnlyMemory<int> question, bool restoreBlock, GenerationSettings settings,
        CancellationToken cancellationToken = default)
    {
        var restored = block is not null && restoreBlock && _stored.ContainsKey(block.Key.Id);
        Restores.Enqueue(restored);
        var prompt = (restored ? 0 : block?.Tokens.Length ?? 0) + question.Length;
        return Task.FromResult(new GenerationResult(
            Answer, "fake answer", restored, block is not null && restoreBlock && !restored, prompt, TimeSpan.FromMilliseconds(1),
            TimeSpan.FromMilliseconds(2), LlamaStopReason.MaxTokens));
    }

    public bool HasCache(KvCacheKey key) => _stored.ContainsKey(key.Id);

    public bool DropCache(KvCacheKey key)
    {
        Dropped.Enqueue(key.Id);
        return _stored.TryRemove(key.Id, out _);
    }

    /// <summary>Forgets a cache without being asked (the store's LRU eviction).</summary>
    public void Evict(string keyId) => _stored.TryRemove(keyId, out _);

    /// <summary>Waits for the next precompute call (bounded: it only bounds a failing test).</summary>
    public async Task WaitForPrecomputeAsync()
        => Assert.True(await _precomputed.WaitAsync(Eventually.DefaultTimeout, TestContext.Current.CancellationToken),
            "no KV precompute reached the engine");
}
