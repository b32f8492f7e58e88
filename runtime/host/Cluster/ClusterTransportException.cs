namespace MemOS.Runtime.Cluster;

/// <summary>A call to another silo failed in transport: the silo could not be reached, refused the call (it is
/// stopping), timed out or answered with something other than an outcome.</summary>
public sealed class ClusterTransportException : MemOSException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the target silo.</param>
    /// <param name="delivered">Whether the call may have reached the grain (a timeout or a dropped connection after
    /// sending); <see langword="false"/> when it certainly did not (connection refused, refused by the silo), so that
    /// sending it elsewhere is safe.</param>
    /// <param name="isTransient">Whether the same call may succeed later (unreachable, stopping, timed out); not for a
    /// refused secret or an unknown route, which are configuration or version mismatches.</param>
    /// <param name="innerException">The underlying failure, or null.</param>
    public ClusterTransportException(string message, bool delivered, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        Delivered = delivered;
        _isTransient = isTransient;
    }

    /// <summary>Whether the call may have run on the target.</summary>
    public bool Delivered { get; }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
