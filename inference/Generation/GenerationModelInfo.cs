namespace MemOS.Inference.Generation;

/// <summary>The generation model a silo runs.</summary>
/// <param name="Name">The model's name (<c>general.name</c>, else the file name).</param>
/// <param name="Path">The GGUF file (full path).</param>
/// <param name="Sha256">The file's SHA-256 (lower-case hex), part of every KV cache key.</param>
/// <param name="Template">The prompt template's name.</param>
/// <param name="ContextTokens">The tokens one prompt plus its generated tokens may take.</param>
/// <param name="PrecomputeMaxBatch">The most KV-precompute requests decoded together.</param>
public sealed record GenerationModelInfo(
    string Name, string Path, string Sha256, string Template, int ContextTokens, int PrecomputeMaxBatch);
