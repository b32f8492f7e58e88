namespace MemOS.Runtime.Cluster;

/// <summary>Settings of cluster membership and call forwarding, bound from <c>MemOS:Cluster</c>. Used when the silos
/// share a PostgreSQL database; an embedded (SQLite) silo is a cluster of one and ignores them.</summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Cluster";

    /// <summary>The header that carries the cluster secret on the internal routes.</summary>
    public const string SecretHeader = "X-MemOS-Cluster-Secret";

    /// <summary>The shortest secret accepted, in characters.</summary>
    public const int MinSecretLength = 16;

    /// <summary>How often a silo writes its heartbeat and re-reads the membership table, on the silo's
    /// <see cref="TimeProvider"/>. Default: 2 seconds. Must be positive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A silo whose last heartbeat is older than this is declared dead by the others and its grains move.
    /// Failure detection takes up to this plus two heartbeat intervals (one to notice, one for the others to re-read).
    /// Default: 10 seconds. At least twice <see cref="HeartbeatInterval"/>; the silos' clocks must agree to well within
    /// it.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The shared secret of the internal routes (<c>/internal/v1/...</c>, header <see cref="SecretHeader"/>);
    /// at least <see cref="MinSecretLength"/> characters, the same on every silo. Default: none, in which case the
    /// silos use a random secret that the first of them generates and keeps in the database
    /// (<c>memos_cluster_settings</c>), which only holders of the database credentials can read.</summary>
    public string? Secret { get; set; }

    /// <summary>The base address other silos reach this one at, e.g. <c>http://10.0.0.5:8080/</c>. Default: none, in
    /// which case the first address Kestrel listens on is used, with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>,
    /// <c>*</c>, <c>+</c>) replaced by this machine's host name.</summary>
    public Uri? AdvertisedAddress { get; set; }

    /// <summary>How long a call forwarded to another silo may take, from sending to the answer. Default: 100 seconds
    /// (HttpClient's default). Must be positive.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long a silo waits for each other silo to apply a membership change it announces (when it joins:
    /// the others hand over the grains it now owns before it serves them). Default: 5 seconds. Must be positive.</summary>
    public TimeSpan NotifyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the row of a silo declared dead stays in the membership table (and in the
    /// <c>memos.cluster.silos</c> gauge under <c>dead</c>) before a silo deletes it. Default: 1 hour. Must be positive.</summary>
    public TimeSpan DeadSiloRetention { get; set; } = TimeSpan.FromHours(1);
}
