namespace MemOS.Inference.KvCache;

/// <summary>The metadata of one entry of a <see cref="KvCacheStore"/>.</summary>
/// <param name="Id">The entry's id (<see cref="KvCacheKey.Id"/>), also its file name.</param>
/// <param name="ModelSha256">The SHA-256 of the model file the cache was computed with.</param>
/// <param name="Template">The prompt template's name and version.</param>
/// <param name="TokenCount">The tokens the cache covers.</param>
/// <param name="TokensSha256">The SHA-256 of the token ids.</param>
/// <param name="SizeBytes">The size of the cached state (the payload), in bytes; the file is a few hundred bytes larger.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="LastUsedAt">When it was last written or read (what eviction orders by).</param>
public sealed record KvCacheEntry(
    string Id, string ModelSha256, string Template, int TokenCount, string TokensSha256, long SizeBytes,
    DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt);
