namespace MemOS.Runtime.Cluster;

/// <summary>The internal HTTP routes silos call on each other, and their headers. Every request carries the cluster
/// secret in <see cref="ClusterOptions.SecretHeader"/>; a silo answers 401 without it.</summary>
public static class ClusterRoutes
{
    /// <summary><c>POST /internal/v1/grains/{grainType}/{method}</c>: run a grain call forwarded by another silo. Body:
    /// <c>{"interface": "...", "key": "...", "arguments": [...]}</c> (the grain key travels in the body, so that keys,
    /// which name tenants and users, stay out of access logs and span names). Answer 200 with
    /// <c>{"result": ...}</c> or <c>{"exception": {...}}</c>; 503 when the silo is stopping and took no call.</summary>
    public const string GrainCallPattern = "/internal/v1/grains/{grainType}/{method}";

    /// <summary><c>POST /internal/v1/cluster/refresh</c>: re-read the membership now and deactivate the grains this
    /// silo no longer owns; answers 204 once done.</summary>
    public const string RefreshPath = "/internal/v1/cluster/refresh";

    /// <summary>How many silos forwarded the call before the receiver (0 from the first silo).</summary>
    public const string HopsHeader = "X-MemOS-Forward-Hops";

    /// <summary>The id of the silo that sent the request.</summary>
    public const string SourceSiloHeader = "X-MemOS-Source-Silo";

    /// <summary>The path of a grain call (relative, without the leading slash).</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="method">The method name.</param>
    /// <returns>The relative path.</returns>
    public static string GrainCallPath(string grainType, string method)
        => $"internal/v1/grains/{Uri.EscapeDataString(grainType)}/{Uri.EscapeDataString(method)}";
}
