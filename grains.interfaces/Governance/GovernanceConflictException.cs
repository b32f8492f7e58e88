namespace MemOS.Grains.Interfaces.Governance;

/// <summary>A tenant, principal or space of that name already exists. HTTP 409. Nothing was changed.</summary>
/// <param name="message">What already exists.</param>
public sealed class GovernanceConflictException(string message) : MemOSException(message);
