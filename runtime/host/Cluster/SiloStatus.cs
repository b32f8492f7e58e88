namespace MemOS.Runtime.Cluster;

/// <summary>Where a silo is in its life as a cluster member. On the wire and in the membership table: <c>joining</c>,
/// <c>active</c>, <c>shutting_down</c>, <c>dead</c> (see <see cref="SiloStatuses"/>).</summary>
public enum SiloStatus
{
    /// <summary>Starting: registered, not yet serving; owns no grains.</summary>
    Joining,

    /// <summary>Serving: owns its share of the grains.</summary>
    Active,

    /// <summary>Stopping gracefully: still owns its share while it deactivates its grains (writing their state), but
    /// creates no new activations; calls for grains it holds no activation of are forwarded to the silo that owns them
    /// once it is gone.</summary>
    ShuttingDown,

    /// <summary>Declared dead by another silo after missing heartbeats for the death timeout (or stopped and gone).</summary>
    Dead,
}
