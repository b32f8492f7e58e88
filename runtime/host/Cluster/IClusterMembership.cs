namespace MemOS.Runtime.Cluster;

/// <summary>
/// This silo's membership of its cluster: it registers the silo, keeps its heartbeat, watches the other silos and
/// publishes the <see cref="ClusterView"/> that placement decides on. The grain runtime routes each call by the
/// current view and deactivates the activations a new view gives to another silo.
/// </summary>
public interface IClusterMembership
{
    /// <summary>The current view (before <see cref="JoinAsync"/>: the local silo as <see cref="SiloStatus.Joining"/>,
    /// owning nothing, and the members read so far).</summary>
    ClusterView View { get; }

    /// <summary>The local silo's id, unique per process start.</summary>
    string LocalSiloId { get; }

    /// <summary>Raised, on a background thread, after the view changed (a member joined, changed status or left).</summary>
    event EventHandler<ClusterView>? ViewChanged;

    /// <summary>Raised once when the local silo finds that the others declared it dead (it missed heartbeats, from a
    /// pause or a partition): it owns nothing any more and the host should stop.</summary>
    event EventHandler? DeclaredDead;

    /// <summary>Registers the local silo (<see cref="SiloStatus.Joining"/>), then makes it
    /// <see cref="SiloStatus.Active"/>, tells the other silos (each hands over the grains the local silo now owns
    /// before answering, or <see cref="ClusterOptions.NotifyTimeout"/> passes) and starts the heartbeat.</summary>
    /// <param name="endpoint">The base address other silos reach this one at.</param>
    /// <param name="cancellationToken">Cancels the join.</param>
    /// <returns>A task that completes when the silo is active.</returns>
    /// <exception cref="InvalidOperationException">The silo already joined.</exception>
    /// <exception cref="MemOSException">The membership store failed (transient where a retry may succeed).</exception>
    Task JoinAsync(Uri endpoint, CancellationToken cancellationToken);

    /// <summary>Announces that the local silo is stopping (<see cref="SiloStatus.ShuttingDown"/>): it keeps owning
    /// its share while the runtime deactivates its grains, but creates no new activations.</summary>
    /// <param name="cancellationToken">Cancels the announcement.</param>
    /// <returns>A task that completes when announced.</returns>
    Task BeginLeaveAsync(CancellationToken cancellationToken);

    /// <summary>Removes the local silo from the cluster (after its grains are deactivated), stops the heartbeat and
    /// tells the other silos, which then place its share on themselves.</summary>
    /// <param name="cancellationToken">Cancels the leave (the others then notice through the death timeout).</param>
    /// <returns>A task that completes when the silo has left.</returns>
    Task LeaveAsync(CancellationToken cancellationToken);

    /// <summary>Re-reads the membership now (another silo announced a change, or a call to a member failed).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The view after the read.</returns>
    /// <exception cref="MemOSException">The membership store failed.</exception>
    Task<ClusterView> RefreshAsync(CancellationToken cancellationToken);
}
