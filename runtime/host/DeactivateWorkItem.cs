namespace MemOS.Runtime;

/// <summary>The last entry of a closed mailbox: deactivate once the turns ahead of it are done.</summary>
internal sealed class DeactivateWorkItem(DeactivationReason reason) : WorkItem
{
    public DeactivationReason Reason { get; } = reason;
}
