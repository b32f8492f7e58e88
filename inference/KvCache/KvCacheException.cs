namespace MemOS.Inference.KvCache;

/// <summary>A KV cache entry does not belong where it was asked for: its file holds the cache of another model,
/// template or text than its key names, or it is restored into a context of another model.</summary>
public sealed class KvCacheException : MemOSException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What does not match, naming both sides.</param>
    public KvCacheException(string message)
        : base(message)
    {
    }

    /// <inheritdoc />
    public override bool IsTransient => false;
}
