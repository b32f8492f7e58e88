namespace MemOS.Runtime;

/// <summary>Carries the context of the activation being constructed to the <see cref="Grain"/> base
/// constructor (as Orleans' <c>RuntimeContext</c> does), so grain classes need no runtime parameter.</summary>
internal static class RuntimeContext
{
    [ThreadStatic]
    private static IGrainContext? t_constructing;

    /// <summary>The context of the activation whose grain is being constructed on this thread.</summary>
    internal static IGrainContext? Constructing => t_constructing;

    /// <summary>Sets the context for the duration of a grain construction; dispose to clear it.</summary>
    internal static Scope BeginConstruction(IGrainContext context)
    {
        var previous = t_constructing;
        t_constructing = context;
        return new Scope(previous);
    }

    internal readonly struct Scope(IGrainContext? previous) : IDisposable
    {
        public void Dispose() => t_constructing = previous;
    }
}
