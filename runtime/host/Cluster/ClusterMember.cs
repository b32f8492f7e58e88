namespace MemOS.Runtime.Cluster;

/// <summary>One silo as the membership table knows it.</summary>
/// <param name="SiloId">Unique per process start (<c>{host}-{pid}-{random}</c>); the identity placement hashes.</param>
/// <param name="Endpoint">The base address other silos and clients reach it at, e.g. <c>http://10.0.0.5:8080/</c>.</param>
/// <param name="Status">Its status.</param>
/// <param name="StartedAt">When it started (its generation).</param>
/// <param name="HeartbeatAt">Its last heartbeat, by its own clock.</param>
/// <param name="Version">The MemOS version it runs.</param>
public sealed record ClusterMember(
    string SiloId,
    Uri Endpoint,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    string Version);
