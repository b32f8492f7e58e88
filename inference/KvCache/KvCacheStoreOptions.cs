namespace MemOS.Inference.KvCache;

/// <summary>Where a <see cref="KvCacheStore"/> keeps its entries and how much it may keep (configuration section
/// <c>MemOS:KvCache</c>).</summary>
public sealed class KvCacheStoreOptions
{
    /// <summary>The cache directory (created when absent; one store per directory). Default <c>.data/kv-cache</c>,
    /// relative to the current directory.</summary>
    public string Directory { get; set; } = Path.Combine(".data", "kv-cache");

    /// <summary>The most bytes of cached state kept, at least 1: writing past it evicts the least recently used
    /// entries. Default 4 GiB.</summary>
    public long MaxBytes { get; set; } = 4L << 30;
}
