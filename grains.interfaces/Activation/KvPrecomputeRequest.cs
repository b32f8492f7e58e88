namespace MemOS.Grains.Interfaces.Activation;

/// <summary>One KV-precompute request sent to a worker: compute the KV cache of a memory block and tell its activation
/// MemCube.</summary>
/// <param name="ActivationKey">The activation MemCube's grain key (<c>{tenant}/{space}/{activationId}</c>).</param>
/// <param name="MemoryContext">The block's rendered memories (the worker applies the silo's prompt template).</param>
/// <param name="CacheKey">The KV cache key id the block must produce; a worker whose model or template gives another
/// one fails the request instead of storing a cache nobody would find.</param>
public sealed record KvPrecomputeRequest(string ActivationKey, string MemoryContext, string CacheKey);
