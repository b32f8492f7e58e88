namespace MemOS.Inference.Llama;

/// <summary>How <see cref="LlamaModel.CreateContext"/> sizes and configures a context.</summary>
public sealed record LlamaContextOptions
{
    /// <summary>The context (KV cache) size, in tokens; 0 for the model's training context. Default 512. llama.cpp
    /// rounds each sequence's share up to a multiple of 256 (<see cref="LlamaContext.ContextTokens"/> reports what it
    /// got).</summary>
    public int ContextTokens { get; init; } = 512;

    /// <summary>The most tokens one <see cref="LlamaContext.Decode"/> takes; 0 for <see cref="ContextTokens"/> (as asked,
    /// before rounding). Default 0.</summary>
    public int BatchTokens { get; init; }

    /// <summary>The physical batch size llama.cpp splits a decode into, in tokens; 0 for <see cref="BatchTokens"/>.
    /// Default 0. Pooled embeddings need a whole sequence in one micro-batch, so keep it at <see cref="BatchTokens"/>
    /// when <see cref="Embeddings"/> is on.</summary>
    public int MicroBatchTokens { get; init; }

    /// <summary>The most distinct sequences (sequence ids 0 to <see cref="Sequences"/> - 1). Default 1. With mean-pooled
    /// embeddings the micro-batch must be a multiple of it.</summary>
    public int Sequences { get; init; } = 1;

    /// <summary>Whether all sequences share one KV cache buffer (llama.cpp's <c>kv_unified</c>) instead of a stream
    /// each. Default <see langword="false"/>. Pooled embeddings of several sequences in one batch need it: with separate
    /// streams llama.cpp splits the batch into equal-length pieces and pools each sequence over its last piece only.</summary>
    public bool UnifiedKvCache { get; init; }

    /// <summary>CPU threads for decoding; 0 for <see cref="Environment.ProcessorCount"/>. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Whether decoding outputs embeddings (pooled per sequence unless <see cref="Pooling"/> is
    /// <see cref="LlamaPooling.None"/>) instead of logits. Default <see langword="false"/>.</summary>
    public bool Embeddings { get; init; }

    /// <summary>The pooling of embeddings. Default <see cref="LlamaPooling.ModelDefault"/>.</summary>
    public LlamaPooling Pooling { get; init; } = LlamaPooling.ModelDefault;
}
