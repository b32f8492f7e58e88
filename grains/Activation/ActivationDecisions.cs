namespace MemOS.Grains.Activation;

/// <summary>The outcomes of activation decisions, the <c>outcome</c> tag of <c>memos.activation.decisions</c>.</summary>
public static class ActivationDecisions
{
    /// <summary>A hot, stable block was promoted: its KV cache is requested.</summary>
    public const string Promoted = "promoted";

    /// <summary>A hot block was not promoted: one of its memories changed too recently.</summary>
    public const string RejectedUnstable = "rejected_unstable";

    /// <summary>An activation no chat used for the idle time was demoted: its cache dropped.</summary>
    public const string DemotedIdle = "demoted_idle";

    /// <summary>The least recently used activation was demoted to make room for a new one.</summary>
    public const string DemotedCapacity = "demoted_capacity";

    /// <summary>An activation went stale: a source memory changed version or was erased.</summary>
    public const string Invalidated = "invalidated";

    /// <summary>A ready activation's cache was gone from the store when a chat needed it.</summary>
    public const string Evicted = "evicted";

    /// <summary>A caller asked for an activation (<c>POST /v1/memories/activate</c>).</summary>
    public const string Requested = "requested";
}
