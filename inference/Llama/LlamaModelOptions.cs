namespace MemOS.Inference.Llama;

/// <summary>How <see cref="LlamaModel.Load"/> loads a GGUF file.</summary>
public sealed record LlamaModelOptions
{
    /// <summary>Layers to offload to a GPU backend, negative for all. Default 0 (CPU only; the installed build has
    /// no GPU backend).</summary>
    public int GpuLayers { get; init; }

    /// <summary>Whether llama.cpp validates the tensor data (NaN, infinities) while loading, at the cost of reading
    /// every weight once. Default <see langword="false"/>.</summary>
    public bool ValidateTensors { get; init; }
}
