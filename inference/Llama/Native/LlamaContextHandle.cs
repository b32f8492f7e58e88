using Microsoft.Win32.SafeHandles;

namespace MemOS.Inference.Llama.Native;

/// <summary>Owns a <c>struct llama_context *</c>; freed with <c>llama_free</c>, before the model it was created from.</summary>
/// <remarks>The handle holds a reference on its model's handle (<see cref="KeepModelAlive"/>), so disposing the model
/// first cannot free the weights under a live context: the model is freed when its last context is.</remarks>
internal sealed class LlamaContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private LlamaModelHandle? _model;

    /// <summary>Creates an invalid handle (the P/Invoke marshaller sets the pointer).</summary>
    public LlamaContextHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes a reference on the model handle, released when this context is freed.</summary>
    /// <param name="model">The model the context was created from.</param>
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
        LlamaNative.llama_free(handle);
        _model?.DangerousRelease();
        return true;
    }
}
