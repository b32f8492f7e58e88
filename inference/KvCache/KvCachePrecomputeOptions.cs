namespace MemOS.Inference.KvCache;

/// <summary>How a <see cref="KvCachePrecomputer"/> sizes its context.</summary>
public sealed record KvCachePrecomputeOptions
{
    /// <summary>The most requests decoded together (the context's sequences), 1 to 256; 1 decodes them one by one.
    /// Default 64.</summary>
    public int MaxBatch { get; init; } = 64;

    /// <summary>The most tokens of one request, at least 1. The context holds <see cref="MaxBatch"/> times this (each
    /// sequence's share rounded up to a multiple of 256): for a model with an F16 cache about
    /// <c>MaxBatch · MaxTokensPerRequest · 4 · n_layer · n_embd_kv</c> bytes (600 MB for 64 × 256 tokens of a 12-layer,
    /// 768-wide model). Default 256.</summary>
    public int MaxTokensPerRequest { get; init; } = 256;

    /// <summary>The most tokens one decode takes (<c>n_batch</c>). Default 2048.</summary>
    public int BatchTokens { get; init; } = 2048;

    /// <summary>The physical batch size (<c>n_ubatch</c>). Default 512.</summary>
    public int MicroBatchTokens { get; init; } = 512;

    /// <summary>CPU threads; 0 for <see cref="Environment.ProcessorCount"/>. Default 0.</summary>
    public int Threads { get; init; }
}
