namespace MemOS.Grains.Interfaces.Activation;

/// <summary>What a MemScheduler asks an activation MemCube to hold: a memory block's sources and its KV cache key.</summary>
/// <param name="OwnerId">The user whose memories these are.</param>
/// <param name="Sources">The block's memories and versions, at least one, in block order.</param>
/// <param name="ModelSha256">The model file's SHA-256.</param>
/// <param name="Template">The prompt template's name.</param>
/// <param name="CacheKey">The KV cache key's id.</param>
/// <param name="TokensSha256">The SHA-256 of the block's tokens (with the model hash, template and token count it
/// rebuilds the KV cache key, to drop the cache).</param>
/// <param name="TokenCount">The block's tokens.</param>
/// <param name="Origin"><see cref="ActivationOrigins.Promotion"/> or <see cref="ActivationOrigins.Request"/>.</param>
public sealed record ActivationDraft(
    string OwnerId,
    IReadOnlyList<MemorySource> Sources,
    string ModelSha256,
    string Template,
    string CacheKey,
    string TokensSha256,
    int TokenCount,
    string Origin);
