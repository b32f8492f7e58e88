namespace MemOS.Runtime;

/// <summary>A no-op entry that wakes an idle turn loop so it notices a request made outside any turn
/// (<see cref="IGrainContext.DeactivateOnIdle"/> from a background task).</summary>
internal sealed class WakeWorkItem : WorkItem
{
    public static readonly WakeWorkItem Instance = new();
}
