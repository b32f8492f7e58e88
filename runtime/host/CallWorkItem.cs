namespace MemOS.Runtime;

/// <summary>A grain call waiting in (or taken from) an activation's mailbox.</summary>
internal abstract class CallWorkItem : WorkItem
{
    /// <summary>Runs the call as a turn; never throws: the outcome goes to the caller's task.</summary>
    public abstract Task RunAsync(Grain grain);

    /// <summary>Fails the call without running it (its activation could not be created).</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Sends the call back to the caller to be retried on the next activation (its activation
    /// deactivated before reaching it).</summary>
    public abstract void Forward();
}
