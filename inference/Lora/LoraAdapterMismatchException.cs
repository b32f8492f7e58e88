namespace MemOS.Inference.Lora;

/// <summary>A LoRA adapter was made for another base model than the one it is applied to: the SHA-256 of the base
/// model file recorded in the adapter differs from the model's.</summary>
public sealed class LoraAdapterMismatchException : MemOSException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="adapter">The adapter (a path or name), for the message.</param>
    /// <param name="expectedSha256">The base model SHA-256 the adapter records (lower-case hex).</param>
    /// <param name="actualSha256">The SHA-256 of the model it was applied to (lower-case hex).</param>
    /// <param name="model">The model (a path or name), for the message.</param>
    public LoraAdapterMismatchException(string adapter, string expectedSha256, string actualSha256, string model)
        : base($"The LoRA adapter {adapter} was made for the base model with SHA-256 {expectedSha256}, but the model " +
            $"{model} has SHA-256 {actualSha256}; an adapter applies only to the exact model it was made for.")
    {
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The base model SHA-256 the adapter records.</summary>
    public string ExpectedSha256 { get; }

    /// <summary>The SHA-256 of the model it was applied to.</summary>
    public string ActualSha256 { get; }
}
