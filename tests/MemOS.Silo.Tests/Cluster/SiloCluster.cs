using System.Net.Http.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Operations;
using MemOS.Grains.Interfaces.Serialization;

namespace MemOS.Silo.Tests.Cluster;

/// <summary>
/// A test cluster of silos in processes of their own (<see cref="SiloProcess"/>: <c>MemOS.Silo.dll</c>, the program
/// operators run) on one PostgreSQL database, with fast failure detection, as Orleans' <c>TestCluster</c> starts
/// silos for a test class. Processes, so that killing one is a real death without goodbye. Ready once every silo
/// sees every other as active.
/// </summary>
public sealed class SiloCluster : IAsyncLifetime
{
    /// <summary>The heartbeat interval of the test silos.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The death timeout of the test silos.</summary>
    public static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(3);

    private readonly PostgresDatabase _database = new();
    private readonly List<SiloProcess> _silos = [];
    private readonly List<HttpClient> _http = [];

    /// <summary>More settings (<c>key=value</c>) every silo starts with.</summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>How many silos the cluster starts with.</summary>
    public int Size { get; init; } = 3;

    /// <summary>The failure-detection time: a silo is declared dead after the death timeout, which its last
    /// heartbeat may precede by one interval, and the survivors read the declaration within one more.</summary>
    public static TimeSpan FailureDetectionTime => DeathTimeout + 2 * HeartbeatInterval;

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public string ConnectionString => _database.ConnectionString;

    /// <summary>A client of one silo (its base address only: no routing, so a test picks which silo answers).</summary>
    public HttpClient Http(int silo) => _http[silo];

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        if (!_database.IsAvailable)
        {
            return;
        }

        // Started one after the other: the first creates the schema, the others join it. xunit does not dispose a
        // fixture whose initialization failed, so a failed start stops the silos already running.
        try
        {
            await StartSilosAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartSilosAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            var silo = await SiloProcess.StartAsync(
            [
                $"ConnectionStrings:MemOS={_database.ConnectionString}",
                $"MemOS:Cluster:HeartbeatInterval={HeartbeatInterval}",
                $"MemOS:Cluster:DeathTimeout={DeathTimeout}",
                "MemOS:Cluster:NotifyTimeout=00:00:05",
                "Logging:LogLevel:Default=Warning",
                "Logging:LogLevel:MemOS.Runtime.Cluster=Information",
                .. Settings,
            ]);
            _silos.Add(silo);
            _http.Add(new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(60) });
        }

        await WaitForMembersAsync(Enumerable.Range(0, Size).ToList(), Size);
    }

    /// <summary>Waits until each of <paramref name="silos"/> lists exactly <paramref name="placementSilos"/> silos that
    /// own grains.</summary>
    public async Task WaitForMembersAsync(IReadOnlyList<int> silos, int placementSilos)
    {
        foreach (var silo in silos)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                var members = await MembersAsync(silo);
                if (members.PlacementSilos.Count == placementSilos)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline,
                    $"silo {silo} sees {members.PlacementSilos.Count} placement silos, not {placementSilos}:\n{_silos[silo].Output}");
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    public async Task<ClusterMembers> MembersAsync(int silo)
        => (await _http[silo].GetFromJsonAsync("v1/cluster/members", MemOSJsonContext.Default.ClusterMembers, TestContext.Current.CancellationToken))!;

    public async Task<SiloOverview> OverviewAsync(int silo)
        => (await _http[silo].GetFromJsonAsync("v1/admin/overview", MemOSJsonContext.Default.SiloOverview, TestContext.Current.CancellationToken))!;

    /// <summary>A client of one silo (no routing).</summary>
    public MemOSClient Client(int silo) => new(_http[silo]);

    public async ValueTask DisposeAsync()
    {
        foreach (var http in _http)
        {
            http.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    /// <summary>Skips the test when no PostgreSQL could be started.</summary>
    public void RequirePostgres() => _ = _database.ConnectionString;
}
