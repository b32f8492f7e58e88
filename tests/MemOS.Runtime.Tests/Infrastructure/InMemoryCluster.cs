using MemOS.Runtime.Cluster;
using MemOS.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemOS.Runtime.Tests.Infrastructure;

/// <summary>Several grain runtimes on one SQLite file, connected by an in-memory <see cref="IClusterTransport"/> that
/// carries the real call envelopes (bytes) to the target runtime's <see cref="GrainRuntime.InvokeForwardedCallAsync"/>,
/// with each silo's view of the membership set by the test (<see cref="SetViews"/>), so that views may disagree.</summary>
public sealed class InMemoryCluster : IAsyncDisposable
{
    private readonly TempDatabase _database = new();
    private readonly List<Member> _members = [];

    private InMemoryCluster()
    {
    }

    public IReadOnlyList<string> SiloIds => [.. _members.Select(static m => m.Membership.LocalSiloId)];

    public GrainProbe Probe { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    /// <summary>Silos whose transport refuses every call (as a dead silo's connection would be refused).</summary>
    public HashSet<string> Unreachable { get; } = [];

    /// <summary>Every call the transport carried: (from, to, grain type, method, hops).</summary>
    public List<(string From, string To, string GrainType, string Method, int Hops)> Sent { get; } = [];

    public static async Task<InMemoryCluster> StartAsync(int silos, Action<GrainRuntimeOptions>? configure = null)
    {
        var cluster = new InMemoryCluster();
        for (var i = 0; i < silos; i++)
        {
            var membership = new TestMembership($"silo{i}");
            var transport = new Transport(cluster, membership.LocalSiloId);
            var services = new ServiceCollection()
                .AddSingleton<TimeProvider>(cluster.Time)
                .AddSingleton<ILoggerFactory>(new ListLoggerFactory())
                .AddSingleton(cluster.Probe)
                .AddSingleton<IClusterMembership>(membership)
                .AddSingleton<IClusterTransport>(transport)
                .AddMemOSGrainRuntime(options =>
                {
                    options.CollectionInterval = TimeSpan.FromDays(1);
                    configure?.Invoke(options);
                })
                .UseSqliteGrainStorage(cluster._database.ConnectionString)
                .AddGrainsFromAssembly(typeof(InMemoryCluster).Assembly)
                .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
            var runtime = services.GetRequiredService<GrainRuntime>();
            await runtime.StartAsync(TestContext.Current.CancellationToken);
            cluster._members.Add(new Member(services, runtime, membership));
        }

        cluster.SetViews(cluster.SiloIds.ToDictionary(static id => id, static _ => SiloStatus.Active));
        return cluster;
    }

    public GrainRuntime Runtime(int silo) => _members[silo].Runtime;

    public TestMembership Membership(int silo) => _members[silo].Membership;

    /// <summary>Gives every silo the same view, with these statuses (silos left out are not members).</summary>
    public void SetViews(IReadOnlyDictionary<string, SiloStatus> statuses)
    {
        foreach (var member in _members)
        {
            member.Membership.SetView(statuses);
        }
    }

    /// <summary>The index of the silo that owns a grain when all are active.</summary>
    public int OwnerOf(string grainType, string key, IReadOnlyList<string>? among = null)
    {
        among ??= SiloIds;
        var owner = among[RendezvousHash.Owner(grainType, key, among)];
        return SiloIds.ToList().IndexOf(owner);
    }

    /// <summary>A key of <paramref name="grainType"/> that silo <paramref name="silo"/> owns when all are active.</summary>
    public string KeyOwnedBy(int silo, string grainType, string prefix = "k", IReadOnlyList<string>? among = null)
        => Enumerable.Range(0, 10_000).Select(i => $"{prefix}{i}").First(k => OwnerOf(grainType, k, among) == silo);

    public int ActivationCount(int silo) => _members[silo].Runtime.ActivationCount;

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            await member.Services.DisposeAsync();
        }

        _database.Dispose();
    }

    private sealed record Member(ServiceProvider Services, GrainRuntime Runtime, TestMembership Membership);

    /// <summary>A membership whose view the test sets.</summary>
    public sealed class TestMembership(string siloId) : IClusterMembership
    {
        private ClusterView _view = new(siloId, [], 0);

        public ClusterView View => _view;

        public string LocalSiloId { get; } = siloId;

        public int Refreshes { get; private set; }

        public event EventHandler<ClusterView>? ViewChanged;

        public event EventHandler? DeclaredDead
        {
            add { }
            remove { }
        }

        public void SetView(IReadOnlyDictionary<string, SiloStatus> statuses)
        {
            var members = statuses.Select(static p => new ClusterMember(
                p.Key, new Uri($"http://{p.Key}.test/"), p.Value, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "test")).ToList();
            _view = new ClusterView(LocalSiloId, members, _view.Version + 1);
            ViewChanged?.Invoke(this, _view);
        }

        public Task JoinAsync(Uri endpoint, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task BeginLeaveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task LeaveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<ClusterView> RefreshAsync(CancellationToken cancellationToken)
        {
            Refreshes++;
            return Task.FromResult(_view);
        }
    }

    private sealed class Transport(InMemoryCluster cluster, string from) : IClusterTransport
    {
        public async Task<ReadOnlyMemory<byte>> InvokeAsync(
            ClusterMember target, string grainType, string method, int hops, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
        {
            lock (cluster.Sent)
            {
                cluster.Sent.Add((from, target.SiloId, grainType, method, hops));
            }

            if (cluster.Unreachable.Contains(target.SiloId))
            {
                throw new ClusterTransportException($"{target.SiloId} refused the connection", delivered: false, isTransient: true);
            }

            var runtime = cluster._members.Single(m => m.Membership.LocalSiloId == target.SiloId).Runtime;

            // A copy: the receiver must not see the sender's buffer.
            await Task.Yield();
            try
            {
                return await runtime.InvokeForwardedCallAsync(grainType, method, hops, request.ToArray(), cancellationToken);
            }
            catch (ClusterUnavailableException e)
            {
                throw new ClusterTransportException(e.Message, delivered: false, isTransient: true, e);
            }
        }

        public async Task NotifyMembershipChangedAsync(ClusterMember target, CancellationToken cancellationToken)
        {
            var member = cluster._members.Single(m => m.Membership.LocalSiloId == target.SiloId);
            await member.Membership.RefreshAsync(cancellationToken);
            await member.Runtime.RebalanceAsync(cancellationToken);
        }
    }
}
