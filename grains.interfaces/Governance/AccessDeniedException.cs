namespace MemOS.Grains.Interfaces.Governance;

/// <summary>The caller lacks the right an operation needs (a reader writing, a member reaching a space not granted to it,
/// a member managing users). HTTP 403. Nothing was changed.</summary>
/// <param name="message">What was refused and why.</param>
public sealed class AccessDeniedException(string message) : MemOSException(message);
