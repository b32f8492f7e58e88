using System.Diagnostics.Metrics;
using MemOS.Grains.Interfaces.Operations;
using MemOS.Runtime.Cluster;

namespace MemOS.Silo.Hosting;

/// <summary>This silo's membership as the REST API, readiness and metrics show it: its id, address, status and start
/// time, the silos it knows (from <see cref="IClusterMembership"/>: the members of the PostgreSQL membership table, or
/// itself alone for an embedded silo), and the <c>MemOS.Cluster</c> instrument <c>memos.cluster.silos</c>.</summary>
public sealed class SiloMembership : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "MemOS.Cluster";

    /// <summary>The status of a serving silo.</summary>
    public const string ActiveStatus = SiloStatuses.Active;

    /// <summary>The status of a silo that is stopping.</summary>
    public const string ShuttingDownStatus = SiloStatuses.ShuttingDown;

    /// <summary>The status of a silo that has not finished starting.</summary>
    public const string JoiningStatus = SiloStatuses.Joining;

    /// <summary>The status of a silo declared dead (it missed heartbeats) or gone.</summary>
    public const string DeadStatus = SiloStatuses.Dead;

    private readonly IClusterMembership _membership;
    private readonly Meter? _ownedMeter;

    /// <summary>Creates the entry.</summary>
    /// <param name="membership">The cluster membership.</param>
    /// <param name="time">The clock (start time).</param>
    /// <param name="meterFactory">The host's meter factory, or null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="membership"/> or <paramref name="time"/> is null.</exception>
    public SiloMembership(IClusterMembership membership, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(time);
        _membership = membership;
        StartedAt = time.GetUtcNow();
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        meter.CreateObservableUpDownCounter(
            "memos.cluster.silos",
            ObserveSilos,
            unit: "{silo}",
            description: "Silos this silo knows, by membership status (joining, active, shutting_down, dead: declared dead within the retention).");
    }

    /// <summary>The silo id, unique per process start.</summary>
    public string SiloId => _membership.LocalSiloId;

    /// <summary>When the silo started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The silo's base address, once it listens (the one it registered in the cluster).</summary>
    public string Address => _membership.View.Local is { Endpoint: var endpoint } && IsJoinedOrLeft ? endpoint.ToString() : "";

    /// <summary>The membership status: <c>joining</c>, <c>active</c>, <c>shutting_down</c> or <c>dead</c>.</summary>
    public string Status => _membership.View.LocalStatus.ToName();

    /// <summary>Whether the silo has joined and serves requests.</summary>
    public bool IsActive => _membership.View.LocalStatus == SiloStatus.Active;

    /// <summary>The current cluster view.</summary>
    public ClusterView View => _membership.View;

    /// <summary>The MemOS version.</summary>
    public static string Version => SiloIdentity.Version;

    private bool IsJoinedOrLeft => _membership.View.LocalStatus != SiloStatus.Joining || _membership.View.Version > 0;

    /// <summary>This silo as the overview shows it.</summary>
    /// <returns>The entry.</returns>
    public SiloInfo ToInfo() => new(SiloId, Address, Status, StartedAt, Version);

    /// <summary>Every silo this silo knows, itself included, ordered by id.</summary>
    /// <returns>The entries.</returns>
    public IReadOnlyList<SiloInfo> Silos()
    {
        var view = _membership.View;
        var silos = view.Members.Select(m => m.SiloId == SiloId
            ? ToInfo()
            : new SiloInfo(m.SiloId, m.Endpoint.ToString(), m.Status.ToName(), m.StartedAt, m.Version)).ToList();
        return silos.Any(s => s.Id == SiloId) ? silos : [.. silos.Append(ToInfo()).OrderBy(static s => s.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public void Dispose() => _ownedMeter?.Dispose();

    private IEnumerable<Measurement<long>> ObserveSilos()
    {
        var counts = SiloStatuses.All.ToDictionary(static s => s.ToName(), static _ => 0L);
        foreach (var silo in Silos())
        {
            counts[silo.Status] = counts.GetValueOrDefault(silo.Status) + 1;
        }

        return counts.Select(static p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("status", p.Key))).ToArray();
    }
}
