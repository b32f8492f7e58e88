namespace MemOS.Runtime;

/// <summary>A timer tick waiting to run as a turn.</summary>
internal sealed class TimerTickWorkItem(GrainTimer timer) : WorkItem
{
    public GrainTimer Timer { get; } = timer;
}
