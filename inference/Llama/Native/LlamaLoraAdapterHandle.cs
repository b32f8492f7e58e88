using Microsoft.Win32.SafeHandles;

namespace MemOS.Inference.Llama.Native;

/// <summary>Owns a <c>struct llama_adapter_lora *</c>; freed with <c>llama_adapter_lora_free</c>, before its model.</summary>
/// <remarks>llama.cpp frees the adapters still registered with a model when the model is freed, so an adapter freed
/// after its model would be freed twice: the handle holds a reference on its model's handle
/// (<see cref="KeepModelAlive"/>) and releases it only after freeing the adapter. Contexts that use the adapter hold a
/// reference on this handle in turn (<see cref="LlamaContextHandle.UseAdapters"/>).</remarks>
internal sealed class LlamaLoraAdapterHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private LlamaModelHandle? _model;

    /// <summary>Creates an invalid handle (the P/Invoke marshaller sets the pointer).</summary>
    public LlamaLoraAdapterHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes a reference on the model handle, released when this adapter is freed.</summary>
    /// <param name="model">The model the adapter was loaded for.</param>
    public void KeepModelAlive(LlamaModelHandle model)
    {
        var added = false;
        model.DangerousAddRef(ref added);
        if (added)
        {
            _model = model;
        }
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_adapter_lora_free(handle);
        _model?.DangerousRelease();
        return true;
    }
}
