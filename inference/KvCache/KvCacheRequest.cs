namespace MemOS.Inference.KvCache;

/// <summary>One KV-cache precompute request: the tokens of a memory block and the key its cache is stored under.</summary>
/// <param name="Key">The key (its model must be the precomputer's, its token count the tokens').</param>
/// <param name="Tokens">The tokens, decoded from position 0.</param>
public sealed record KvCacheRequest(KvCacheKey Key, ReadOnlyMemory<int> Tokens);
