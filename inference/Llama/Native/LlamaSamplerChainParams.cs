using System.Runtime.InteropServices;

namespace MemOS.Inference.Llama.Native;

/// <summary>llama.cpp's <c>struct llama_sampler_chain_params</c>: one C <c>bool</c>, 1 byte on x64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    /// <summary><c>bool no_perf</c>: skip performance timings (default true).</summary>
    public byte NoPerf;
}
