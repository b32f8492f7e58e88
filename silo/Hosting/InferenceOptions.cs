namespace MemOS.Silo.Hosting;

/// <summary>The silo's generation model, for <c>/v1/chat</c> and activation memory, bound from <c>MemOS:Inference</c>.
/// Without <see cref="ModelPath"/> both are unavailable (503 <c>urn:memos:problem:inference-unavailable</c>) and the
/// rest of the silo works. The model is loaded once, when the silo starts.</summary>
public sealed class InferenceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Inference";

    /// <summary>The GGUF generation model file (llama.cpp runs it on the CPU; the native libraries come with
    /// <c>./memos install</c>). Default: none.</summary>
    public string? ModelPath { get; set; }

    /// <summary>CPU threads for decoding; 0 for one per core. Default: 0.</summary>
    public int Threads { get; set; }

    /// <summary>The tokens a chat's prompt (memory block and message) plus its answer may take, capped at the model's
    /// training context; 0 for the training context. llama.cpp rounds it up to a multiple of 256. Default: 2048.</summary>
    public int ContextTokens { get; set; } = 2048;

    /// <summary>The most tokens one decode takes. Default: 512.</summary>
    public int BatchTokens { get; set; } = 512;

    /// <summary>The prompt template: <c>memos-plain/v1</c> (plain text, for any model) or <c>chatml/v1</c> (ChatML
    /// instruction models). Its name is part of every KV cache key. Default: <c>memos-plain/v1</c>.</summary>
    public string PromptTemplate { get; set; } = Inference.Generation.PromptTemplate.Plain.Name;

    /// <summary>The most KV-precompute requests a worker decodes together in one multi-sequence decode, 1-256. Default: 8.</summary>
    public int PrecomputeMaxBatch { get; set; } = 8;

    /// <summary>The KV cache store's directory. Default: <c>kv-cache</c> under the silo's data directory
    /// (<c>MemOS:Silo:DataDirectory</c>).</summary>
    public string? KvCacheDirectory { get; set; }

    /// <summary>The most bytes of KV cache state kept; writing past it evicts the least recently used caches. Default:
    /// 4 GiB.</summary>
    public long KvCacheMaxBytes { get; set; } = 4L << 30;
}
