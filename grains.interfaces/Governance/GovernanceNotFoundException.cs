namespace MemOS.Grains.Interfaces.Governance;

/// <summary>A tenant, principal, API key or space does not exist (or is not visible to the caller). HTTP 404.</summary>
/// <param name="message">What was not found.</param>
public sealed class GovernanceNotFoundException(string message) : MemOSException(message);
