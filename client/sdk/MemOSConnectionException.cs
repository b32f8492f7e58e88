namespace MemOS.Client;

/// <summary>The silo could not be reached (refused, reset, timed out). Transient.</summary>
/// <param name="baseAddress">The silo address that was tried.</param>
/// <param name="innerException">The transport failure.</param>
public sealed class MemOSConnectionException(Uri? baseAddress, Exception innerException)
    : MemOSException($"Could not reach the MemOS silo at {baseAddress}: {innerException.Message}", innerException)
{
    /// <inheritdoc />
    public override bool IsTransient => true;
}
