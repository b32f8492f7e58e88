using System.Diagnostics.Metrics;
using System.Reflection;
using MemOS.Grains.Interfaces.Operations;

namespace MemOS.Silo.Hosting;

/// <summary>This silo's membership entry: its id, address, status and start time, and the <c>MemOS.Cluster</c>
/// instrument <c>memos.cluster.silos</c>. Until cluster membership lands, a silo knows one live silo: itself.</summary>
public sealed class SiloMembership : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "MemOS.Cluster";

    /// <summary>The status of a serving silo.</summary>
    public const string ActiveStatus = "active";

    /// <summary>The status of a silo that is stopping.</summary>
    public const string ShuttingDownStatus = "shutting_down";

    /// <summary>The status of a silo that has not finished starting.</summary>
    public const string JoiningStatus = "joining";

    private readonly Meter? _ownedMeter;
    private volatile string _status = JoiningStatus;

    /// <summary>Creates the entry.</summary>
    /// <param name="time">The clock (start time).</param>
    /// <param name="meterFactory">The host's meter factory, or null.</param>
    public SiloMembership(TimeProvider time, IMeterFactory? meterFactory = null)
    {
        StartedAt = time.GetUtcNow();
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        meter.CreateObservableUpDownCounter(
            "memos.cluster.silos",
            () => new Measurement<long>(1, new KeyValuePair<string, object?>("status", _status)),
            unit: "{silo}",
            description: "Silos this silo knows, by membership status (joining, active, shutting_down).");
    }

    /// <summary>The silo id, unique per process start.</summary>
    public string SiloId { get; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>When the silo started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The silo's base address, once it listens.</summary>
    public string Address { get; set; } = "";

    /// <summary>The membership status.</summary>
    public string Status => _status;

    /// <summary>Whether the silo has joined and serves requests.</summary>
    public bool IsActive => _status == ActiveStatus;

    /// <summary>The MemOS version.</summary>
    public static string Version { get; } =
        typeof(SiloMembership).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Marks the silo active (it listens and serves).</summary>
    public void Activate() => _status = ActiveStatus;

    /// <summary>Marks the silo as stopping.</summary>
    public void Leave() => _status = ShuttingDownStatus;

    /// <summary>This silo as the overview shows it.</summary>
    /// <returns>The entry.</returns>
    public SiloInfo ToInfo() => new(SiloId, Address, _status, StartedAt, Version);

    /// <inheritdoc />
    public void Dispose() => _ownedMeter?.Dispose();
}
