namespace MemOS.Runtime;

/// <summary>Internal signal that a call reached an activation only after it began deactivating; the caller
/// retries it on the next activation. Never escapes <see cref="GrainRuntime"/>.</summary>
internal sealed class CallForwardedException : Exception
{
    public static readonly CallForwardedException Instance = new();

    private CallForwardedException()
        : base("The call was forwarded to the grain's next activation.")
    {
    }
}
