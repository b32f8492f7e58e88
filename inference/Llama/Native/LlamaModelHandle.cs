using Microsoft.Win32.SafeHandles;

namespace MemOS.Inference.Llama.Native;

/// <summary>Owns a <c>struct llama_model *</c>; freed with <c>llama_model_free</c>.</summary>
internal sealed class LlamaModelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Creates an invalid handle (the P/Invoke marshaller sets the pointer).</summary>
    public LlamaModelHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_model_free(handle);
        return true;
    }
}
