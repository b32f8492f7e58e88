namespace MemOS.Runtime.Cluster;

/// <summary>No silo can take a grain call right now: none owns grains (the cluster is starting, or every silo is
/// stopping), or the silo asked is stopping. Transient: retry after a moment.</summary>
/// <param name="message">What is unavailable.</param>
public sealed class ClusterUnavailableException(string message) : MemOSException(message)
{
    /// <inheritdoc />
    public override bool IsTransient => true;
}
