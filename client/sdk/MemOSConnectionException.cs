namespace MemOS.Client;

/// <summary>The silo could not be reached (refused, reset, timed out). Transient.</summary>
/// <param name="baseAddress">The silo address that was tried.</param>
/// <param name="innerException">The transport failure.</param>
/// <param name="requestSent">Whether the request may have reached the silo (a reset or timeout after sending);
/// <see langword="false"/> when no connection was made, so that sending it again, or elsewhere, is safe.</param>
public sealed class MemOSConnectionException(Uri? baseAddress, Exception innerException, bool requestSent = true)
    : MemOSException($"Could not reach the MemOS silo at {baseAddress}: {innerException.Message}", innerException)
{
    /// <summary>The silo address that was tried.</summary>
    public Uri? BaseAddress { get; } = baseAddress;

    /// <summary>Whether the request may have reached the silo.</summary>
    public bool RequestSent { get; } = requestSent;

    /// <inheritdoc />
    public override bool IsTransient => true;
}
