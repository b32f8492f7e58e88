namespace MemOS.Inference.Generation;

/// <summary>Generation (chat) and activation memory are unavailable on this silo: no generation model is configured,
/// or it could not be loaded. The message names the setting or the missing file or library.</summary>
public sealed class InferenceUnavailableException : MemOSException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why, naming the setting to change or what to install.</param>
    /// <param name="innerException">The load failure, if any.</param>
    public InferenceUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsTransient => false;
}
