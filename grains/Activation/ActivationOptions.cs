namespace MemOS.Grains.Activation;

/// <summary>The activation-memory policy of the MemSchedulers and their batching of KV-precompute requests, bound from
/// <c>MemOS:Activation</c>.</summary>
/// <remarks>The working memory a user's chats draw on is a set of memory blocks: the memories one chat's retrieval
/// packs into its token budget, rendered as one block. A block used by at least <see cref="PromoteMinUses"/> chats
/// within <see cref="UsageWindow"/>, whose memories have all been unchanged for <see cref="StableFor"/>, is promoted:
/// its KV cache is precomputed (an activation MemCube). An activation unused for <see cref="DemoteAfterIdle"/> is
/// demoted (its cache dropped), and so is the least recently used one when a promotion would exceed
/// <see cref="MaxActivationsPerUser"/>.</remarks>
public sealed class ActivationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Activation";

    /// <summary>Whether chats promote hot, stable blocks on their own (explicit requests work either way). Default:
    /// true.</summary>
    public bool AutoPromote { get; set; } = true;

    /// <summary>The fewest chats over one block, within <see cref="UsageWindow"/>, that make it hot. At least 1.
    /// Default: 3.</summary>
    public int PromoteMinUses { get; set; } = 3;

    /// <summary>How far back uses of a block count. Positive. Default: 10 minutes.</summary>
    public TimeSpan UsageWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long every memory of a block must have been unchanged (since its last version) for the block to be
    /// promoted. Zero or more. Default: 5 minutes.</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An activation no chat used for this long (since it was requested, or last used) is demoted. Positive.
    /// Default: 30 minutes.</summary>
    public TimeSpan DemoteAfterIdle { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often a MemScheduler with activations checks them for demotion. Positive. Default: 1 minute.</summary>
    public TimeSpan PolicyInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most pending or ready activations of one user. At least 1. Default: 4.</summary>
    public int MaxActivationsPerUser { get; set; } = 4;

    /// <summary>The batching window's size: a MemScheduler sends its queued KV-precompute requests to a worker as soon
    /// as this many are queued. At least 1. Default: 8.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>The batching window's time: queued requests are sent this long after the first of them was queued,
    /// however few. Positive. Default: 200 milliseconds.</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(200);
}
