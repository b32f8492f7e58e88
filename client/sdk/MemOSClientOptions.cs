namespace MemOS.Client;

/// <summary>Settings of a <see cref="MemOSClient"/> of a silo cluster.</summary>
public sealed class MemOSClientOptions
{
    /// <summary>The silos to talk to first (any silo of the cluster answers any request), e.g.
    /// <c>http://silo-1:8080/</c>. At least one. When one cannot be reached the client tries the next.</summary>
    public IReadOnlyList<Uri> Gateways { get; set; } = [];

    /// <summary>Whether the client learns the cluster's membership (<c>GET /v1/cluster/members</c>) and sends each
    /// request straight to the silo that owns the user's MemScheduler, saving the forward a gateway would make.
    /// Default: <see langword="true"/>.</summary>
    public bool RouteToOwner { get; set; } = true;

    /// <summary>How old the membership the client routes by may get before it reads it again (it also re-reads it
    /// after a silo failed). Default: 30 seconds.</summary>
    public TimeSpan MembershipRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a request that failed transiently is retried (see <see cref="MemOSClient"/> for which
    /// requests). Default: 4. Zero disables retries.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The delay before the first retry; each next one doubles, with jitter. Default: 200 milliseconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one attempt of a request may take. Default: 100 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The API key sent as <c>Authorization: Bearer &lt;key&gt;</c> with every request (a tenant key from
    /// <c>POST /v1/tenants/{tenant}/users</c>, or the cluster admin key), or null for a silo in open mode. The tenant
    /// part of a tenant key also routes requests to the silo owning the user's MemScheduler.</summary>
    public string? ApiKey { get; set; }
}
