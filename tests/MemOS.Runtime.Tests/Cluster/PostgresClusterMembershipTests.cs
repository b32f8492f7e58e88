using System.Collections.Concurrent;
using MemOS.Runtime.Cluster;
using MemOS.Runtime.Postgres;
using MemOS.Runtime.Storage;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MemOS.Runtime.Tests.Cluster;

/// <summary>Membership in PostgreSQL on a fake clock: join, heartbeat, death detection (one declarer wins), a dead
/// silo finding out, graceful leave, restart on the same endpoint, and the migration over an existing database.</summary>
public sealed class PostgresClusterMembershipTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly ClusterOptions Options = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        DeathTimeout = TimeSpan.FromSeconds(5),
        DeadSiloRetention = TimeSpan.FromMinutes(10),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Join_TwoSilos_BothActiveInTheTableAndEachOthersView()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var b = await cluster.JoinAsync("http://127.0.0.1:7002/");

        Assert.Equal(new[] { (a.LocalSiloId, "active"), (b.LocalSiloId, "active") }.Order(), (await cluster.RowsAsync()).Select(static r => (r.Id, r.Status)));
        Assert.Equal(new[] { a.LocalSiloId, b.LocalSiloId }.Order(), b.View.PlacementSilos.Select(static m => m.SiloId));
        Assert.Equal(SiloStatus.Active, b.View.LocalStatus);

        // B told A when it joined (A answers once it handed over B's share).
        Assert.Contains((b.LocalSiloId, a.LocalSiloId), cluster.Notified);
        await a.RefreshAsync(Ct);
        Assert.Equal(2, a.View.PlacementSilos.Count);
        Assert.Equal(new Uri("http://127.0.0.1:7002/"), a.View.Members.Single(m => m.SiloId == b.LocalSiloId).Endpoint);
    }

    [Fact]
    public async Task Join_SecretNotConfigured_EverySiloGetsTheOneKeptInTheDatabase()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var b = await cluster.JoinAsync("http://127.0.0.1:7002/");

        Assert.NotNull(cluster.Secret(a).Value);
        Assert.True(cluster.Secret(a).Value!.Length >= ClusterOptions.MinSecretLength);
        Assert.Equal(cluster.Secret(a).Value, cluster.Secret(b).Value);
        Assert.True(cluster.Secret(b).Matches(cluster.Secret(a).Value));
        Assert.False(cluster.Secret(b).Matches("wrong"));
        Assert.False(cluster.Secret(b).Matches(null));
    }

    [Fact]
    public async Task Heartbeat_WritesTheSilosClockTime()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        cluster.Time.Advance(TimeSpan.FromSeconds(3));
        await a.HeartbeatAsync(Ct);

        Assert.Equal(cluster.Time.GetUtcNow(), (await cluster.RowsAsync()).Single().HeartbeatAt);
    }

    [Fact]
    public async Task Heartbeat_SiloSilentPastTheDeathTimeout_IsDeclaredDeadOnce_AndLeavesTheView()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var b = await cluster.JoinAsync("http://127.0.0.1:7002/");
        var c = await cluster.JoinAsync("http://127.0.0.1:7003/");
        var changes = new ConcurrentQueue<ClusterView>();
        b.ViewChanged += (_, view) => changes.Enqueue(view);

        // C stops heartbeating (killed); A and B keep beating as the clock runs past the death timeout.
        await cluster.StopHeartbeatsAsync(c);
        for (var second = 0; second < 5; second++)
        {
            cluster.Time.Advance(TimeSpan.FromSeconds(1));
            await a.HeartbeatAsync(Ct);
            await b.HeartbeatAsync(Ct);
        }

        // Within the death timeout nobody was declared; now both notice at once and exactly one declaration succeeds.
        Assert.Equal(3, (await cluster.RowsAsync()).Count(static r => r.Status == "active"));
        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var beats = new[] { a, b }.Select(async silo =>
        {
            await gate.Task;
            return await silo.HeartbeatAsync(Ct);
        }).ToArray();
        gate.SetResult();
        var declarations = await Task.WhenAll(beats).Within();

        Assert.Equal([c.LocalSiloId], declarations.SelectMany(static d => d));
        var row = (await cluster.RowsAsync()).Single(r => r.Id == c.LocalSiloId);
        Assert.Equal("dead", row.Status);
        Assert.Contains(row.DeclaredBy, new[] { a.LocalSiloId, b.LocalSiloId });

        await a.RefreshAsync(Ct);
        await b.RefreshAsync(Ct);
        Assert.Equal(new[] { a.LocalSiloId, b.LocalSiloId }.Order(), a.View.PlacementSilos.Select(static m => m.SiloId));
        Assert.Equal(SiloStatus.Dead, b.View.Members.Single(m => m.SiloId == c.LocalSiloId).Status);
        Assert.Contains(changes, v => v.Members.Any(m => m.SiloId == c.LocalSiloId && m.Status == SiloStatus.Dead));
    }

    [Fact]
    public async Task Heartbeat_SiloDeclaredDeadWhileAlive_FindsOutAndOwnsNothing()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var b = await cluster.JoinAsync("http://127.0.0.1:7002/");
        var told = 0;
        b.DeclaredDead += (_, _) => Interlocked.Increment(ref told);

        // B is paused (no heartbeats) for longer than the death timeout, and A declares it dead.
        await cluster.StopHeartbeatsAsync(b, dispose: false);
        cluster.Time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal([b.LocalSiloId], await a.HeartbeatAsync(Ct));

        // B's next heartbeat finds its row dead.
        await b.HeartbeatAsync(Ct);
        Assert.Equal(1, told);
        Assert.Equal(SiloStatus.Dead, b.View.LocalStatus);
        Assert.DoesNotContain(b.View.PlacementSilos, m => m.SiloId == b.LocalSiloId);
        await b.HeartbeatAsync(Ct);
        Assert.Equal(1, told);
    }

    [Fact]
    public async Task Heartbeat_AfterTheDatabaseWasUnreachable_DeclaresNobodyDeadForADeathTimeout()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var b = await cluster.JoinAsync("http://127.0.0.1:7002/");

        // Every silo's heartbeats fail for a while (here: A's connections are killed; B is simply not ticked).
        cluster.Time.Advance(TimeSpan.FromSeconds(8));
        await cluster.TerminateConnectionsAsync();
        await Assert.ThrowsAsync<ClusterMembershipException>(() => a.HeartbeatAsync(Ct));

        // Back (the pools hand out their other killed connections first): A beats again but must not blame B, whose
        // heartbeat is stale for the same reason.
        Assert.Empty(await BeatAsync(a));
        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        await BeatAsync(b);
        Assert.Empty(await BeatAsync(a));
        Assert.All(await cluster.RowsAsync(), static r => Assert.Equal("active", r.Status));
    }

    [Fact]
    public async Task Leave_Gracefully_ShuttingDownStillOwnsThenRowIsGone()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var b = await cluster.JoinAsync("http://127.0.0.1:7002/");
        cluster.Notified.Clear();

        await b.BeginLeaveAsync(Ct);
        Assert.Equal("shutting_down", (await cluster.RowsAsync()).Single(r => r.Id == b.LocalSiloId).Status);
        Assert.Contains((b.LocalSiloId, a.LocalSiloId), cluster.Notified);
        await a.RefreshAsync(Ct);

        // A stopping silo keeps its share until it is gone, so nobody activates what it still holds.
        Assert.Equal(2, a.View.PlacementSilos.Count);
        Assert.Single(a.View.Members, static m => m.Status == SiloStatus.Active);
        Assert.Equal(SiloStatus.ShuttingDown, b.View.LocalStatus);

        cluster.Notified.Clear();
        await b.LeaveAsync(Ct);
        Assert.Equal([a.LocalSiloId], (await cluster.RowsAsync()).Select(static r => r.Id));
        Assert.Contains((b.LocalSiloId, a.LocalSiloId), cluster.Notified);
        await a.RefreshAsync(Ct);
        Assert.Equal([a.LocalSiloId], a.View.Members.Select(static m => m.SiloId));

        // Nothing left to beat for.
        cluster.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await b.HeartbeatAsync(Ct));
        Assert.Empty(await a.HeartbeatAsync(Ct));
    }

    [Fact]
    public async Task Join_OnTheEndpointOfASiloThatDiedWithoutLeaving_DeclaresThatOneDead()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var old = await cluster.JoinAsync("http://127.0.0.1:7002/");
        await cluster.StopHeartbeatsAsync(old);

        var restarted = await cluster.JoinAsync("http://127.0.0.1:7002/");
        var rows = await cluster.RowsAsync();
        Assert.Equal("dead", rows.Single(r => r.Id == old.LocalSiloId).Status);
        Assert.Equal(restarted.LocalSiloId, rows.Single(r => r.Id == old.LocalSiloId).DeclaredBy);
        Assert.Equal(new[] { a.LocalSiloId, restarted.LocalSiloId }.Order(), restarted.View.PlacementSilos.Select(static m => m.SiloId));
    }

    [Fact]
    public async Task Heartbeat_DeadRowsOlderThanTheRetention_AreDeleted()
    {
        await using var cluster = await ClusterAsync();
        var a = await cluster.JoinAsync("http://127.0.0.1:7001/");
        var b = await cluster.JoinAsync("http://127.0.0.1:7002/");
        await cluster.StopHeartbeatsAsync(b);
        cluster.Time.Advance(TimeSpan.FromSeconds(7));
        await a.HeartbeatAsync(Ct);
        Assert.Equal(2, (await cluster.RowsAsync()).Count);

        cluster.Time.Advance(Options.DeadSiloRetention + TimeSpan.FromSeconds(1));
        await a.HeartbeatAsync(Ct);
        Assert.Equal([a.LocalSiloId], (await cluster.RowsAsync()).Select(static r => r.Id));
    }

    [Fact]
    public async Task Migration_DatabaseAtTheGrainStateVersion_GainsTheMembershipTablesAndKeepsItsRows()
    {
        var connectionString = await database.CreateDatabaseAsync();
        var keys = Enumerable.Range(0, 30).Select(static i => $"cube/{i:D2}").ToArray();
        var etags = new Dictionary<string, string>();

        // The previous release: only the grain state table.
        await using (var previous = new PostgresGrainStorage(
                         Microsoft.Extensions.Options.Options.Create(new PostgresGrainStorageOptions { ConnectionString = connectionString }),
                         PostgresSchema.Migrations.Take(1).ToList(), TimeProvider.System, logger: null))
        {
            foreach (var key in keys)
            {
                etags[key] = await previous.WriteAsync("memcube", "cube", key, "{\"v\":1}"u8.ToArray(), null, Ct);
            }
        }

        Assert.Equal(1, await ScalarAsync<int>(connectionString, "SELECT MAX(version) FROM memos_schema_version;"));
        Assert.Equal(0, await ScalarAsync<long>(connectionString, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'memos_silo_membership';"));

        // This release: a silo joining migrates the database (as the grain storage of a starting silo would).
        await using (var cluster = await ClusterAsync(connectionString))
        {
            await cluster.JoinAsync("http://127.0.0.1:7001/");
        }

        Assert.Equal(PostgresSchema.LatestVersion, await ScalarAsync<int>(connectionString, "SELECT MAX(version) FROM memos_schema_version;"));
        Assert.Equal("silo_membership", await ScalarAsync<string>(connectionString, "SELECT name FROM memos_schema_version WHERE version = 2;"));
        await using var current = new PostgresGrainStorage(
            Microsoft.Extensions.Options.Options.Create(new PostgresGrainStorageOptions { ConnectionString = connectionString }));
        await current.InitializeAsync(Ct);
        var scanned = new List<GrainStorageRecord>();
        await foreach (var record in current.ScanAsync("memcube", "cube", "cube/", Ct))
        {
            scanned.Add(record);
        }

        Assert.Equal(keys, scanned.Select(static r => r.GrainKey));
        Assert.All(scanned, r => Assert.Equal(etags[r.GrainKey], r.Etag));
        await current.WriteAsync("memcube", "cube", keys[0], "{\"v\":2}"u8.ToArray(), etags[keys[0]], Ct);
    }

    /// <summary>A heartbeat, retried over the transient failures of connections the server killed.</summary>
    private static async Task<IReadOnlyList<string>> BeatAsync(PostgresClusterMembership silo)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await silo.HeartbeatAsync(Ct);
            }
            catch (ClusterMembershipException e) when (e.IsTransient && attempt < 20)
            {
            }
        }
    }

    private async Task<TestCluster> ClusterAsync(string? connectionString = null)
        => new(connectionString ?? await database.CreateDatabaseAsync());

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private sealed record Row(string Id, string Status, DateTimeOffset HeartbeatAt, string? DeclaredBy);

    /// <summary>Memberships on one database and one fake clock; a transport that records who told whom.</summary>
    private sealed class TestCluster(string connectionString) : IAsyncDisposable
    {
        private readonly List<(PostgresClusterMembership Membership, ClusterSecret Secret)> _members = [];

        public FakeTimeProvider Time { get; } = new();

        public ConcurrentQueue<(string From, string To)> Notified { get; } = new();

        public ListLoggerFactory Logs { get; } = new();

        public ClusterSecret Secret(PostgresClusterMembership membership) => _members.Single(m => m.Membership == membership).Secret;

        public async Task<PostgresClusterMembership> JoinAsync(string endpoint)
        {
            var secret = new ClusterSecret();
            PostgresClusterMembership? membership = null;
            var transport = new RecordingTransport(this, () => membership!.LocalSiloId);
            membership = new PostgresClusterMembership(
                connectionString, Microsoft.Extensions.Options.Options.Create(Options), transport, secret, Time,
                Logs.CreateLogger<PostgresClusterMembership>(), heartbeatTimer: false);
            _members.Add((membership, secret));
            await membership.JoinAsync(new Uri(endpoint), Ct);
            return membership;
        }

        /// <summary>Stops a silo's heartbeats as a kill would (its row stays active): disposes it, unless it lives on
        /// as a paused silo, which the test simply does not tick (the memberships here have no heartbeat timer: the
        /// test moves the clock and calls <see cref="PostgresClusterMembership.HeartbeatAsync"/> itself).</summary>
        public async Task StopHeartbeatsAsync(PostgresClusterMembership membership, bool dispose = true)
        {
            if (dispose)
            {
                _members.RemoveAll(m => m.Membership == membership);
                await membership.DisposeAsync();
            }
        }

        public async Task TerminateConnectionsAsync()
        {
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid();", connection);
            command.Parameters.AddWithValue("db", database!);
            await command.ExecuteNonQueryAsync(Ct);
        }

        public async Task<List<Row>> RowsAsync()
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                "SELECT silo_id, status, heartbeat_at, declared_dead_by FROM memos_silo_membership ORDER BY silo_id;", connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var rows = new List<Row>();
            while (await reader.ReadAsync(Ct))
            {
                rows.Add(new Row(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            }

            return rows;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (membership, _) in _members)
            {
                await membership.DisposeAsync();
            }
        }

        private sealed class RecordingTransport(TestCluster cluster, Func<string> from) : IClusterTransport
        {
            public Task<ReadOnlyMemory<byte>> InvokeAsync(
                ClusterMember target, string grainType, string method, int hops, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
                => throw new NotSupportedException("membership tests make no grain calls");

            public Task NotifyMembershipChangedAsync(ClusterMember target, CancellationToken cancellationToken)
            {
                cluster.Notified.Enqueue((from(), target.SiloId));
                return Task.CompletedTask;
            }
        }
    }
}
