using Microsoft.Win32.SafeHandles;

namespace MemOS.Inference.Llama.Native;

/// <summary>Owns a <c>struct llama_context *</c>; freed with <c>llama_free</c>, before the model it was created from.</summary>
/// <remarks>The handle holds a reference on its model's handle (<see cref="KeepModelAlive"/>), so disposing the model
/// first cannot free the weights under a live context: the model is freed when its last context is.</remarks>
internal sealed class LlamaContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private LlamaModelHandle? _model;
    private LlamaLoraAdapterHandle[] _adapters = [];

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

    /// <summary>Records the adapters the context now uses (references already taken by the caller), releasing the
    /// references on those it used before; the last ones are released after the context is freed, so llama.cpp never
    /// holds a freed adapter.</summary>
    /// <param name="adapters">The adapter handles, each with one reference taken for this context.</param>
    public void UseAdapters(LlamaLoraAdapterHandle[] adapters)
    {
        var previous = Interlocked.Exchange(ref _adapters, adapters);
        foreach (var adapter in previous)
        {
            adapter.DangerousRelease();
        }
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_free(handle);
        foreach (var adapter in _adapters)
        {
            adapter.DangerousRelease();
        }

        _model?.DangerousRelease();
        return true;
    }
}
