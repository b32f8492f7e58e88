namespace MemOS.Runtime;

/// <summary>One entry of an activation's mailbox; the activation runs them one at a time in arrival order.</summary>
internal abstract class WorkItem
{
}
