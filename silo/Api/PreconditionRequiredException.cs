namespace MemOS.Silo.Api;

/// <summary>A conditional request came without its precondition (HTTP 428, RFC 6585).</summary>
/// <param name="message">What header is missing.</param>
public sealed class PreconditionRequiredException(string message) : MemOSException(message);
