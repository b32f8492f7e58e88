using System.Runtime.InteropServices;

namespace MemOS.Inference.Llama.Native;

/// <summary>llama.cpp's <c>struct llama_context_params</c> (llama.h of node-llama-cpp 3.22.1, llama.cpp tag v0.5.0).</summary>
/// <remarks>Blittable: C <c>bool</c> is a <see cref="byte"/>, enums are <see cref="int"/>, pointers are
/// <see cref="nint"/>. 160 bytes on x64 (measured with gcc against the header; the layout tests pin the size and the
/// offsets). Defaults are those of <c>llama_context_default_params()</c>.</remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaContextParams
{
    /// <summary><c>uint32_t n_ctx</c>: text context in tokens, 0 = from the model (default 512).</summary>
    public uint ContextTokens;

    /// <summary><c>uint32_t n_batch</c>: most tokens one <c>llama_decode</c> takes (default 2048).</summary>
    public uint BatchTokens;

    /// <summary><c>uint32_t n_ubatch</c>: physical batch size (default 512).</summary>
    public uint MicroBatchTokens;

    /// <summary><c>uint32_t n_seq_max</c>: distinct sequences (default 1).</summary>
    public uint MaxSequences;

    /// <summary><c>uint32_t n_rs_seq</c>: recurrent-state snapshots per sequence (default 0).</summary>
    public uint RecurrentSnapshots;

    /// <summary><c>uint32_t n_outputs_max</c>: most outputs per ubatch, 0 = n_batch (default 0).</summary>
    public uint MaxOutputs;

    /// <summary><c>uint32_t n_outputs_max_per_seq</c> (default 1; only backend samplers use it).</summary>
    public uint MaxOutputsPerSequence;

    /// <summary><c>int32_t n_threads</c>: threads for generation (default 4).</summary>
    public int Threads;

    /// <summary><c>int32_t n_threads_batch</c>: threads for batch processing (default 4).</summary>
    public int BatchThreads;

    /// <summary><c>enum llama_context_type ctx_type</c> (default 0, DEFAULT).</summary>
    public int ContextType;

    /// <summary><c>enum llama_rope_scaling_type rope_scaling_type</c> (default -1, UNSPECIFIED).</summary>
    public int RopeScalingType;

    /// <summary><c>enum llama_pooling_type pooling_type</c> (default -1, UNSPECIFIED: the model's).</summary>
    public int PoolingType;

    /// <summary><c>enum llama_attention_type attention_type</c> (default -1, UNSPECIFIED).</summary>
    public int AttentionType;

    /// <summary><c>enum llama_flash_attn_type flash_attn_type</c> (default -1, AUTO).</summary>
    public int FlashAttentionType;

    /// <summary><c>float rope_freq_base</c>, 0 = from the model.</summary>
    public float RopeFrequencyBase;

    /// <summary><c>float rope_freq_scale</c>, 0 = from the model.</summary>
    public float RopeFrequencyScale;

    /// <summary><c>float yarn_ext_factor</c>, negative = from the model.</summary>
    public float YarnExtrapolationFactor;

    /// <summary><c>float yarn_attn_factor</c>.</summary>
    public float YarnAttentionFactor;

    /// <summary><c>float yarn_beta_fast</c>.</summary>
    public float YarnBetaFast;

    /// <summary><c>float yarn_beta_slow</c>.</summary>
    public float YarnBetaSlow;

    /// <summary><c>uint32_t yarn_orig_ctx</c>.</summary>
    public uint YarnOriginalContext;

    /// <summary><c>float defrag_thold</c> (deprecated).</summary>
    public float DefragmentThreshold;

    /// <summary><c>ggml_backend_sched_eval_callback cb_eval</c>.</summary>
    public nint EvalCallback;

    /// <summary><c>void * cb_eval_user_data</c>.</summary>
    public nint EvalCallbackUserData;

    /// <summary><c>enum ggml_type type_k</c>: K cache type (default 1, GGML_TYPE_F16).</summary>
    public int KeyCacheType;

    /// <summary><c>enum ggml_type type_v</c>: V cache type (default 1, GGML_TYPE_F16).</summary>
    public int ValueCacheType;

    /// <summary><c>ggml_abort_callback abort_callback</c>.</summary>
    public nint AbortCallback;

    /// <summary><c>void * abort_callback_data</c>.</summary>
    public nint AbortCallbackData;

    /// <summary><c>bool embeddings</c>: extract embeddings (default false).</summary>
    public byte Embeddings;

    /// <summary><c>bool offload_kqv</c> (default true).</summary>
    public byte OffloadKqv;

    /// <summary><c>bool no_perf</c>: skip performance timings (default true).</summary>
    public byte NoPerf;

    /// <summary><c>bool op_offload</c> (default true).</summary>
    public byte OpOffload;

    /// <summary><c>bool swa_full</c> (default true).</summary>
    public byte SwaFull;

    /// <summary><c>bool kv_unified</c> (default false).</summary>
    public byte KvUnified;

    /// <summary><c>struct llama_sampler_seq_config * samplers</c>.</summary>
    public nint Samplers;

    /// <summary><c>size_t n_samplers</c>.</summary>
    public nuint SamplerCount;

    /// <summary><c>struct llama_context * ctx_other</c>.</summary>
    public nint OtherContext;
}
