namespace MemOS.Grains.Scheduling;

/// <summary>Settings of the MemScheduler grains, bound from <c>MemOS:Scheduler</c>.</summary>
public sealed class MemSchedulerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Scheduler";

    /// <summary>How often accesses counted by searches are sent to the cubes, batched. Default: 5 seconds.</summary>
    public TimeSpan AccessFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many cubes are created or activated concurrently by one add. Default: 16.</summary>
    public int WriteConcurrency { get; set; } = 16;
}
