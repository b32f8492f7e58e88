namespace MemOS.Grains.Interfaces.Activation;

/// <summary>Why an activation MemCube was requested (<see cref="ActivationRecord.Origin"/>).</summary>
public static class ActivationOrigins
{
    /// <summary>The MemScheduler's promotion policy: the block is used often and stable.</summary>
    public const string Promotion = "promotion";

    /// <summary>A caller asked for it (<c>POST /v1/memories/activate</c>).</summary>
    public const string Request = "request";
}
