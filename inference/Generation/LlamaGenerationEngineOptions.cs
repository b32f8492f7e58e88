using MemOS.Inference.KvCache;

namespace MemOS.Inference.Generation;

/// <summary>How a <see cref="LlamaGenerationEngine"/> runs its model.</summary>
public sealed record LlamaGenerationEngineOptions
{
    /// <summary>The prompt template. Default <see cref="PromptTemplate.Plain"/>.</summary>
    public PromptTemplate Template { get; init; } = PromptTemplate.Plain;

    /// <summary>The tokens one prompt plus its generated tokens may take, at least 1, capped at the model's training
    /// context; 0 for the training context. llama.cpp rounds it up to a multiple of 256. Default 2048.</summary>
    public int ContextTokens { get; init; } = 2048;

    /// <summary>The most tokens one decode takes. Default 512.</summary>
    public int BatchTokens { get; init; } = 512;

    /// <summary>CPU threads; 0 for <see cref="Environment.ProcessorCount"/>. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>The most KV-precompute requests decoded together, 1-256. The precompute context, created on first
    /// use, holds this many blocks of up to <see cref="ContextTokens"/> each. Default 8.</summary>
    public int PrecomputeMaxBatch { get; init; } = 8;

    /// <summary>The KV cache store's directory and size cap.</summary>
    public KvCacheStoreOptions KvCache { get; init; } = new();
}
