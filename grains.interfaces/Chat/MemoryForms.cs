namespace MemOS.Grains.Interfaces.Chat;

/// <summary>The forms in which memories reach the model (<see cref="ChatMemory.Form"/>).</summary>
public static class MemoryForms
{
    /// <summary>Injected as a precomputed KV cache (activation memory): only the message was prefilled.</summary>
    public const string Activation = "activation";

    /// <summary>Prefilled as text with the message.</summary>
    public const string Plaintext = "plaintext";
}
