using Microsoft.Win32.SafeHandles;

namespace MemOS.Inference.Llama.Native;

/// <summary>Owns a <c>struct llama_sampler *</c> chain; freed with <c>llama_sampler_free</c>, which frees the samplers
/// added to the chain too.</summary>
internal sealed class LlamaSamplerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Creates an invalid handle (the P/Invoke marshaller sets the pointer).</summary>
    public LlamaSamplerHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_sampler_free(handle);
        return true;
    }
}
