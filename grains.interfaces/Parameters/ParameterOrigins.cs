namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>Why a parameter MemCube was made (<see cref="ParameterRecord.Origin"/>).</summary>
public static class ParameterOrigins
{
    /// <summary>The MemScheduler's migration policy chose its memories.</summary>
    public const string Policy = "policy";

    /// <summary>A caller asked for it (<c>POST /v1/memories/parameterize</c>).</summary>
    public const string Request = "request";
}
