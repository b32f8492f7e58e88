namespace MemOS.Inference.Embeddings;

/// <summary>An embedder could not produce vectors: the model could not be loaded or run, or a remote endpoint
/// answered with an error.</summary>
public sealed class EmbeddingException : MemOSException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, for a person to read.</param>
    /// <param name="isTransient">Whether retrying later may succeed (for example an endpoint answered 503).</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public EmbeddingException(string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        _isTransient = isTransient;
    }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
