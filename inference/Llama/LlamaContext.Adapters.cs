using MemOS.Inference.Llama.Native;

namespace MemOS.Inference.Llama;

public sealed partial class LlamaContext
{
    private IReadOnlyList<(LlamaLoraAdapter Adapter, float Scale)> _loraAdapters = [];

    /// <summary>The LoRA adapters the context applies, with their scales (empty when none).</summary>
    public IReadOnlyList<(LlamaLoraAdapter Adapter, float Scale)> LoraAdapters => _loraAdapters;

    /// <summary>Replaces the LoRA adapters the context applies: each adapted weight then computes
    /// <c>y = W·x + Σ s·B·(A·x)</c>, <c>s = scale · alpha / rank</c> per adapter.</summary>
    /// <param name="adapters">The adapters and their scales (1 applies an adapter as trained, 0 disables it); empty to
    /// apply none. The model's weights are not changed.</param>
    /// <remarks>The memory (KV cache) keeps what earlier decodes computed under the previous adapters; clear it
    /// (<see cref="ClearMemory"/>) unless that is wanted.</remarks>
    /// <exception cref="ArgumentException">An adapter was loaded for another model, appears twice, or a scale is not finite.</exception>
    /// <exception cref="LlamaException">llama.cpp refused the set.</exception>
    /// <exception cref="ObjectDisposedException">The context or an adapter is disposed.</exception>
    public unsafe void SetLoraAdapters(IReadOnlyList<(LlamaLoraAdapter Adapter, float Scale)> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        var seen = new HashSet<LlamaLoraAdapter>();
        foreach (var (adapter, scale) in adapters)
        {
            ArgumentNullException.ThrowIfNull(adapter, nameof(adapters));
            if (adapter.Model != Model)
            {
                throw new ArgumentException($"The LoRA adapter {adapter.Path} was loaded for {adapter.Model.Path}, not this context's model.", nameof(adapters));
            }

            if (!seen.Add(adapter))
            {
                throw new ArgumentException($"The LoRA adapter {adapter.Path} appears twice.", nameof(adapters));
            }

            if (!float.IsFinite(scale))
            {
                throw new ArgumentException($"The scale of {adapter.Path} is {scale}, not a finite number.", nameof(adapters));
            }
        }

        var handles = new LlamaLoraAdapterHandle[adapters.Count];
        var taken = 0;
        try
        {
            for (; taken < handles.Length; taken++)
            {
                var handle = adapters[taken].Adapter.Handle;
                var added = false;
                handle.DangerousAddRef(ref added);
                handles[taken] = handle;
            }

            var pointers = new nint[handles.Length];
            var scales = new float[handles.Length];
            for (var i = 0; i < handles.Length; i++)
            {
                pointers[i] = handles[i].DangerousGetHandle();
                scales[i] = adapters[i].Scale;
            }

            using var lease = new HandleLease(_handle);
            LlamaLog.ClearLastError();
            int result;
            fixed (nint* adapterPointers = pointers)
            fixed (float* scalePointers = scales)
            {
                result = LlamaNative.llama_set_adapters_lora(_handle, adapterPointers, (nuint)pointers.Length, scalePointers);
            }

            if (result != 0)
            {
                throw new LlamaException($"llama.cpp refused the LoRA adapters (error {result}){LlamaLog.LastErrorSuffix()}");
            }

            _handle.UseAdapters(handles);
            taken = 0; // the context holds the references now
            _loraAdapters = adapters.ToArray();
        }
        finally
        {
            for (var i = 0; i < taken; i++)
            {
                handles[i].DangerousRelease();
            }
        }
    }

    /// <summary>Stops applying LoRA adapters (<see cref="SetLoraAdapters"/> with none).</summary>
    /// <exception cref="LlamaException">llama.cpp refused.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public void ClearLoraAdapters() => SetLoraAdapters([]);
}
