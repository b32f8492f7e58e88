namespace MemOS.Grains.Interfaces.Activation;

/// <summary>What a worker reports to an activation MemCube once its KV cache is stored.</summary>
/// <param name="CacheKey">The KV cache entry's id.</param>
/// <param name="TokenCount">The tokens it covers.</param>
/// <param name="SizeBytes">The stored state's size in bytes.</param>
public sealed record KvCacheComputed(string CacheKey, int TokenCount, long SizeBytes);
