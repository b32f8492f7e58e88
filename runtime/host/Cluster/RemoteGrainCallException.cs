namespace MemOS.Runtime.Cluster;

/// <summary>A grain call forwarded to another silo failed there with an exception this silo cannot re-create as its
/// own type (not a <see cref="MemOSException"/> of a loaded assembly, nor one of the standard exceptions the runtime
/// maps). <see cref="RemoteType"/> names it; the message is the remote one.</summary>
public sealed class RemoteGrainCallException : MemOSException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception.</summary>
    /// <param name="remoteType">The full name of the exception type thrown on the remote silo.</param>
    /// <param name="message">The remote exception's message.</param>
    /// <param name="isTransient">The remote exception's <see cref="MemOSException.IsTransient"/> (false for others).</param>
    public RemoteGrainCallException(string remoteType, string message, bool isTransient)
        : base(message)
    {
        RemoteType = remoteType;
        _isTransient = isTransient;
    }

    /// <summary>The full name of the exception type thrown on the remote silo.</summary>
    public string RemoteType { get; }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
