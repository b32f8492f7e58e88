using System.Runtime.InteropServices;

namespace MemOS.Inference.Llama.Native;

/// <summary>llama.cpp's <c>struct llama_model_params</c> (llama.h of node-llama-cpp 3.22.1, llama.cpp tag v0.5.0).</summary>
/// <remarks>Blittable: C <c>bool</c> is a <see cref="byte"/>, enums are <see cref="int"/>, pointers are
/// <see cref="nint"/>. 80 bytes on x64 (measured with gcc against the header; the layout tests pin the size and the
/// offsets). Field order and types must follow the header exactly: a mismatch corrupts every call that takes it.</remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelParams
{
    /// <summary><c>ggml_backend_dev_t * devices</c>: NULL-terminated devices to offload to (NULL: all).</summary>
    public nint Devices;

    /// <summary><c>const llama_model_tensor_buft_override * tensor_buft_overrides</c>.</summary>
    public nint TensorBufferTypeOverrides;

    /// <summary><c>int32_t n_gpu_layers</c>: layers to store in VRAM, negative for all (default -1).</summary>
    public int GpuLayers;

    /// <summary><c>enum llama_split_mode split_mode</c> (default 1, LLAMA_SPLIT_MODE_LAYER).</summary>
    public int SplitMode;

    /// <summary><c>enum llama_load_mode load_mode</c> (default -1, LLAMA_LOAD_MODE_AUTO).</summary>
    public int LoadMode;

    /// <summary><c>enum llama_lazy_mode lazy_mode</c> (default 1, LLAMA_LAZY_MODE_AUTO).</summary>
    public int LazyMode;

    /// <summary><c>int32_t main_gpu</c> (default 0).</summary>
    public int MainGpu;

    /// <summary><c>const float * tensor_split</c>.</summary>
    public nint TensorSplit;

    /// <summary><c>llama_progress_callback progress_callback</c>.</summary>
    public nint ProgressCallback;

    /// <summary><c>void * progress_callback_user_data</c>.</summary>
    public nint ProgressCallbackUserData;

    /// <summary><c>const struct llama_model_kv_override * kv_overrides</c>.</summary>
    public nint KvOverrides;

    /// <summary><c>bool vocab_only</c>: load only the vocabulary (default false).</summary>
    public byte VocabOnly;

    /// <summary><c>bool check_tensors</c>: validate tensor data (default false).</summary>
    public byte CheckTensors;

    /// <summary><c>bool use_extra_bufts</c>: extra buffer types for weight repacking (default true).</summary>
    public byte UseExtraBufferTypes;

    /// <summary><c>bool no_host</c> (default false).</summary>
    public byte NoHost;

    /// <summary><c>bool no_alloc</c> (default false).</summary>
    public byte NoAlloc;

    /// <summary><c>bool load_mtp</c> (default false).</summary>
    public byte LoadMtp;
}
