using MemOS.Inference.KvCache;

namespace MemOS.Inference.Generation;

/// <summary>A memory block prepared for one model and template: the prefix of a prompt, and the key its KV cache is
/// stored under.</summary>
/// <param name="Text">The block as the template renders it.</param>
/// <param name="Tokens">Its tokens (the model's BOS first, when the model adds one).</param>
/// <param name="Key">The KV cache key: model hash, template name, tokens.</param>
public sealed record MemoryBlockPrompt(string Text, int[] Tokens, KvCacheKey Key);
