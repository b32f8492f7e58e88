namespace MemOS.Inference.Llama;

/// <summary>llama.cpp failed: its native libraries are missing or unloadable, a model file is missing, not GGUF or
/// rejected by llama.cpp, or a context could not be created or could not decode a batch.</summary>
/// <remarks>Messages name the file or the operation and, where llama.cpp logged one, its error line. Misuse of the
/// managed API (a batch over capacity, a bad argument) throws the <see cref="ArgumentException"/> family instead.</remarks>
public sealed class LlamaException : MemOSException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, for a person to read.</param>
    /// <param name="isTransient">Whether retrying later may succeed.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public LlamaException(string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        _isTransient = isTransient;
    }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
