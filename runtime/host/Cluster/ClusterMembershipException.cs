namespace MemOS.Runtime.Cluster;

/// <summary>The membership store failed: the silo could not register, heartbeat or read the other silos.</summary>
public sealed class ClusterMembershipException : MemOSException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's exception.</param>
    /// <param name="isTransient"><see langword="true"/> when retrying may succeed (the database was unreachable or busy).</param>
    public ClusterMembershipException(string message, Exception? innerException, bool isTransient)
        : base(message, innerException)
    {
        _isTransient = isTransient;
    }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
