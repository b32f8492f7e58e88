namespace MemOS.Inference.Generation;

/// <summary>A LoRA adapter file to apply to one generation.</summary>
/// <param name="Path">The GGUF LoRA file (a MemOS adapter, <see cref="Lora.LoraAdapterFile"/>), made for the engine's model.</param>
/// <param name="Scale">Its scale: 1 applies it as trained, 0 disables it; finite.</param>
public sealed record GenerationAdapter(string Path, float Scale);
