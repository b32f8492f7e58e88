namespace MemOS.Grains.Memories;

/// <summary>Settings of the MemCube lifecycle that the MemScheduler's sweep applies (<c>MemOS:Lifecycle</c>): time to
/// live and purge, and automatic archival of cold memories to the MemVault.</summary>
public sealed class LifecycleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Lifecycle";

    /// <summary>How often each MemScheduler sweeps its memories (expiry, purge, archival), on the silo's clock. Default:
    /// 1 minute. Between sweeps an expired memory is already never returned; the sweep records the transition.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time to live given to every new memory of a space, or null for none (a memory may still get an
    /// <c>expiresAt</c> by update). Default: null.</summary>
    public TimeSpan? DefaultTimeToLive { get; set; }

    /// <summary>How long an expired memory's payload is kept (never returned) before it is purged (erased everywhere).
    /// Default: 1 day.</summary>
    public TimeSpan ExpiryGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Archive an active memory that has been neither retrieved nor changed for this long, or null for no
    /// automatic archival. Default: null.</summary>
    public TimeSpan? ArchiveAfterIdle { get; set; }

    /// <summary>...unless it has been retrieved more than this many times in all (memories in frequent use stay hot).
    /// Default: 3.</summary>
    public int ArchiveMaxAccessCount { get; set; } = 3;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public void Validate()
    {
        if (SweepInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SweepInterval), SweepInterval, $"{SectionName}:{nameof(SweepInterval)} must be positive.");
        }

        if (DefaultTimeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultTimeToLive), ttl, $"{SectionName}:{nameof(DefaultTimeToLive)} must be positive.");
        }

        if (ExpiryGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpiryGracePeriod), ExpiryGracePeriod, $"{SectionName}:{nameof(ExpiryGracePeriod)} must not be negative.");
        }

        if (ArchiveAfterIdle is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ArchiveAfterIdle), idle, $"{SectionName}:{nameof(ArchiveAfterIdle)} must be positive.");
        }

        if (ArchiveMaxAccessCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ArchiveMaxAccessCount), ArchiveMaxAccessCount, $"{SectionName}:{nameof(ArchiveMaxAccessCount)} must not be negative.");
        }
    }
}
