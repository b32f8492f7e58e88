using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MemOS.Runtime.Postgres;
using MemOS.Runtime.Storage;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MemOS.Runtime.Tests;

/// <summary>What the contract suite cannot show for PostgreSQL: races between connections and providers (silos),
/// migrations, key escaping, transient failures and large payloads.</summary>
public sealed class PostgresGrainStorageTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_ManyWritersOfOneKeyAtOnce_ExactlyOneWinsEachRound()
    {
        // Two providers stand for two silos: separate pools, so the race is decided by the database alone.
        await using var silo1 = Create(database.ConnectionString);
        await using var silo2 = Create(database.ConnectionString);
        var key = NewKey();
        var etag = await silo1.WriteAsync("race", "s", key, Payload("round 0"), null, Ct);
        const int Writers = 12;
        for (var round = 1; round <= 8; round++)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var expected = etag;
            var attempts = Enumerable.Range(0, Writers).Select(async writer =>
            {
                await gate.Task;
                try
                {
                    var storage = writer % 2 == 0 ? silo1 : silo2;
                    return (Writer: writer, Etag: (string?)await storage.WriteAsync("race", "s", key, Payload($"round {round} writer {writer}"), expected, Ct));
                }
                catch (InconsistentStateException)
                {
                    return (Writer: writer, Etag: (string?)null);
                }
            }).ToArray();
            gate.SetResult();
            var results = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(30), Ct);

            var winner = Assert.Single(results, static r => r.Etag is not null);
            var stored = await silo2.ReadAsync("race", "s", key, Ct);
            Assert.Equal(winner.Etag, stored!.Etag);
            Assert.Equal($"round {round} writer {winner.Writer}", Text(stored.Payload));
            etag = winner.Etag!;
        }
    }

    [Fact]
    public async Task Write_ConcurrentReadModifyWriteWithRetry_LosesNoIncrement()
    {
        await using var silo1 = Create(database.ConnectionString);
        await using var silo2 = Create(database.ConnectionString);
        var key = NewKey();
        await silo1.WriteAsync("counter", "s", key, Payload("0"), null, Ct);
        const int Tasks = 8;
        const int IncrementsEach = 20;
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var storage = t % 2 == 0 ? silo1 : silo2;
            for (var i = 0; i < IncrementsEach; i++)
            {
                while (true)
                {
                    var current = await storage.ReadAsync("counter", "s", key, Ct);
                    var next = int.Parse(Text(current!.Payload), System.Globalization.CultureInfo.InvariantCulture) + 1;
                    try
                    {
                        await storage.WriteAsync("counter", "s", key, Payload(next.ToString(System.Globalization.CultureInfo.InvariantCulture)), current.Etag, Ct);
                        break;
                    }
                    catch (InconsistentStateException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }, Ct))).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal((Tasks * IncrementsEach).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Text((await silo1.ReadAsync("counter", "s", key, Ct))!.Payload));
        output.WriteLine($"{Tasks * IncrementsEach} increments from {Tasks} tasks on 2 providers: {conflicts} ETag conflicts retried");
    }

    [Fact]
    public async Task Initialize_EmptyDatabaseThenAgain_CreatesTheSchemaOnceAndKeepsData()
    {
        var connectionString = await database.CreateDatabaseAsync();
        string etag;
        await using (var first = Create(connectionString))
        {
            await first.InitializeAsync(Ct);
            await first.InitializeAsync(Ct);
            etag = await first.WriteAsync("t", "s", "k", Payload("{}"), null, Ct);
        }

        await using (var second = Create(connectionString))
        {
            await second.InitializeAsync(Ct);
            Assert.Equal(etag, (await second.ReadAsync("t", "s", "k", Ct))?.Etag);
        }

        Assert.Equal(
            Enumerable.Range(1, PostgresGrainStorage.LatestSchemaVersion),
            await ListAsync<int>(connectionString, "SELECT version FROM memos_schema_version ORDER BY version;"));
        Assert.Equal(
            PostgresSchema.Migrations.Select(static m => m.Name),
            await ListAsync<string>(connectionString, "SELECT name FROM memos_schema_version ORDER BY version;"));
    }

    [Fact]
    public async Task Initialize_DatabaseAtAnOlderVersion_MigratesForwardKeepingRows()
    {
        var connectionString = await database.CreateDatabaseAsync();
        var keys = Enumerable.Range(0, 50).Select(static i => $"cube/{i:D3}").ToArray();
        var etags = new Dictionary<string, string>();
        await using (var older = Create(connectionString, PostgresSchema.Migrations))
        {
            foreach (var key in keys)
            {
                etags[key] = await older.WriteAsync("t", "s", key, Payload("v1 " + key), null, Ct);
            }
        }

        // The next release: one more migration, which reshapes the table the rows live in.
        PostgresMigration next = new(PostgresSchema.LatestVersion + 1, "test_next_release", """
            ALTER TABLE memos_grain_state ADD COLUMN test_note text NOT NULL DEFAULT 'migrated';
            CREATE INDEX memos_grain_state_updated_at ON memos_grain_state (updated_at);
            """);
        await using (var newer = Create(connectionString, [.. PostgresSchema.Migrations, next]))
        {
            await newer.InitializeAsync(Ct);
            var scanned = new List<GrainStorageRecord>();
            await foreach (var record in newer.ScanAsync("t", "s", "cube/", Ct))
            {
                scanned.Add(record);
            }

            Assert.Equal(keys, scanned.Select(static r => r.GrainKey));
            Assert.All(scanned, r => Assert.Equal(etags[r.GrainKey], r.Etag));
            Assert.All(scanned, static r => Assert.Equal("v1 " + r.GrainKey, Text(r.Payload)));
            await newer.WriteAsync("t", "s", keys[0], Payload("v2"), etags[keys[0]], Ct);
        }

        Assert.Equal(next.Version, (await ListAsync<int>(connectionString, "SELECT MAX(version) FROM memos_schema_version;")).Single());
        Assert.Equal(["migrated"], await ListAsync<string>(connectionString, "SELECT DISTINCT test_note FROM memos_grain_state;"));

        // The build that wrote version 1 now meets a newer database: it refuses instead of guessing.
        await using var stale = Create(connectionString, PostgresSchema.Migrations);
        var error = await Assert.ThrowsAsync<GrainStorageException>(() => stale.InitializeAsync(Ct));
        Assert.False(error.IsTransient);
        Assert.Contains($"version {next.Version}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_SeveralProvidersAtOnce_ApplyEachMigrationOnceAndAllSucceed()
    {
        var connectionString = await database.CreateDatabaseAsync();

        // A slow second migration widens the window in which unserialized migrators would collide.
        PostgresMigration slow = new(PostgresSchema.LatestVersion + 1, "test_slow", """
            SELECT pg_sleep(0.3);
            CREATE TABLE memos_test_once (id integer PRIMARY KEY);
            INSERT INTO memos_test_once VALUES (1);
            """);
        var providers = Enumerable.Range(0, 6).Select(_ => Create(connectionString, [.. PostgresSchema.Migrations, slow])).ToArray();
        try
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starts = providers.Select(async p =>
            {
                await gate.Task;
                await p.InitializeAsync(Ct);
            }).ToArray();
            gate.SetResult();
            await Task.WhenAll(starts).WaitAsync(TimeSpan.FromSeconds(60), Ct);

            for (var i = 0; i < providers.Length; i++)
            {
                await providers[i].WriteAsync("t", "s", $"k{i}", Payload("x"), null, Ct);
            }
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }

        Assert.Equal(Enumerable.Range(1, slow.Version), await ListAsync<int>(connectionString, "SELECT version FROM memos_schema_version ORDER BY version;"));
        Assert.Equal([1], await ListAsync<int>(connectionString, "SELECT id FROM memos_test_once;"));
    }

    [Theory]
    [InlineData("a%")]
    [InlineData("a_")]
    [InlineData("a\\")]
    [InlineData("a\\%")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    [InlineData("a")]
    [InlineData("")]
    public async Task Scan_KeysWithLikeMetacharacters_MatchesThePrefixLiterally(string prefix)
    {
        await using var storage = Create(database.ConnectionString);
        var type = "like" + Guid.NewGuid().ToString("N")[..8];
        string[] keys = ["a", "a%", "a%b", "a_", "a_b", "aXb", "a\\", "a\\b", "a\\%", "a\\%b", "a\\_", "%", "%a", "_", "_a", "\\", "\\a", "b", "ab"];
        foreach (var key in keys)
        {
            await storage.WriteAsync(type, "s", key, Payload(key), null, Ct);
        }

        var scanned = new List<string>();
        await foreach (var record in storage.ScanAsync(type, "s", prefix, Ct))
        {
            scanned.Add(record.GrainKey);
        }

        Assert.Equal(keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal), scanned);
    }

    [Fact]
    public async Task Scan_PrefixScan_IsAnIndexRangeOverThePrimaryKey()
    {
        await using var storage = Create(database.ConnectionString);
        await storage.InitializeAsync(Ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using (var disable = new NpgsqlCommand("SET enable_seqscan = off;", connection))
        {
            await disable.ExecuteNonQueryAsync(Ct);
        }

        await using var explain = new NpgsqlCommand("""
            EXPLAIN SELECT grain_key, payload, etag FROM memos_grain_state
            WHERE grain_type = 't' AND state_name = 's' AND grain_key >= 'tenant1/' AND grain_key < 'tenant10'
            ORDER BY grain_key;
            """, connection);
        var plan = new StringBuilder();
        await using (var reader = await explain.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                plan.AppendLine(reader.GetString(0));
            }
        }

        // With the key column in the "C" collation the range is an Index Cond, not a filter over every key of the type.
        Assert.Contains("memos_grain_state_pkey", plan.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"Index Cond: .*grain_key >= 'tenant1/'", plan.ToString());
        Assert.DoesNotContain("Sort", plan.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_NothingListensOnThePort_ThrowsTransientGrainStorageExceptionAndLogs()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var logs = new ListLoggerFactory();
        await using var storage = new PostgresGrainStorage(
            Options.Create(new PostgresGrainStorageOptions { ConnectionString = $"Host=127.0.0.1;Port={closedPort};Username=postgres;Database=memos;Timeout=3" }),
            TimeProvider.System,
            new Logger<PostgresGrainStorage>(logs));

        var error = await Assert.ThrowsAsync<GrainStorageException>(() => storage.ReadAsync("t", "s", "k", Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct));

        Assert.True(error.IsTransient);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 1122 && e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Write_AfterTheServerEndsTheSession_ThrowsTransientGrainStorageException()
    {
        var applicationName = "memos-terminated-" + Guid.NewGuid().ToString("N")[..8];
        await using var storage = Create(database.ConnectionString + $";Application Name={applicationName};Maximum Pool Size=1");
        var etag = await storage.WriteAsync("t", "s", NewKey(), Payload("before"), null, Ct);

        // What a failover or an administrator's pg_terminate_backend does to the pool's idle connection (SQLSTATE 57P01).
        await using (var admin = new NpgsqlConnection(database.Server.AdminConnectionString))
        {
            await admin.OpenAsync(Ct);
            await using var terminate = new NpgsqlCommand(
                "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @name) t;", admin);
            terminate.Parameters.AddWithValue("name", applicationName);
            Assert.Equal(1L, await terminate.ExecuteScalarAsync(Ct));
        }

        var error = await Assert.ThrowsAsync<GrainStorageException>(() => storage.ReadAsync("t", "s", "k", Ct));
        Assert.True(error.IsTransient, error.ToString());

        // The broken connection left the pool: the retry a caller makes on IsTransient succeeds.
        Assert.Null(await storage.ReadAsync("t", "s", "k", Ct));
        Assert.NotNull(etag);
    }

    [Fact]
    public async Task Operations_WhileTheServerIsDown_AreTransientAndRecoverWhenItIsBack()
    {
        PostgresServer server;
        try
        {
            server = await PostgresServer.StartAsync();
        }
        catch (PostgresUnavailableException e)
        {
            Assert.Skip("PostgreSQL is unavailable: " + e.Message);
            throw;
        }

        await using (server)
        {
            var (_, connectionString) = await server.CreateDatabaseAsync();
            await using var storage = Create(connectionString + ";Timeout=3");
            var etag = await storage.WriteAsync("t", "s", "k", Payload("before"), null, Ct);

            await server.StopAsync();
            var write = await Assert.ThrowsAsync<GrainStorageException>(() => storage.WriteAsync("t", "s", "k", Payload("lost?"), etag, Ct));
            var read = await Assert.ThrowsAsync<GrainStorageException>(() => storage.ReadAsync("t", "s", "k", Ct));
            Assert.True(write.IsTransient, write.ToString());
            Assert.True(read.IsTransient, read.ToString());

            await server.RestartAsync();
            var recovered = await RetryTransientAsync(() => storage.WriteAsync("t", "s", "k", Payload("after"), etag, Ct));
            Assert.Equal("after", Text((await storage.ReadAsync("t", "s", "k", Ct))!.Payload));
            Assert.Equal(recovered, (await storage.ReadAsync("t", "s", "k", Ct))!.Etag);
        }
    }

    [Fact]
    public async Task WriteReadScan_BigPayload_RoundTripsByteForByte()
    {
        await using var storage = Create(database.ConnectionString);
        var payload = new byte[48 * 1024 * 1024];
        new Random(20261201).NextBytes(payload);
        var type = "big" + Guid.NewGuid().ToString("N")[..8];

        var watch = Stopwatch.StartNew();
        var etag = await storage.WriteAsync(type, "s", "cube", payload, null, Ct);
        var written = watch.Elapsed;
        var read = await storage.ReadAsync(type, "s", "cube", Ct);
        var readTime = watch.Elapsed - written;

        Assert.Equal(etag, read!.Etag);
        Assert.True(payload.AsSpan().SequenceEqual(read.Payload.Span), "the payload read back differs");
        var scanned = new List<GrainStorageRecord>();
        await foreach (var record in storage.ScanAsync(type, "s", "", Ct))
        {
            scanned.Add(record);
        }

        Assert.True(payload.AsSpan().SequenceEqual(Assert.Single(scanned).Payload.Span), "the payload scanned differs");
        output.WriteLine($"48 MiB payload: write {written.TotalMilliseconds:F0} ms, read {readTime.TotalMilliseconds:F0} ms");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Host=127.0.0.1;NoSuchKeyword=1")]
    [InlineData("Host=127.0.0.1;Port=notanumber")]
    public void Constructor_BadConnectionString_ThrowsArgumentException(string connectionString)
    {
        Assert.ThrowsAny<ArgumentException>(() => new PostgresGrainStorage(
            Options.Create(new PostgresGrainStorageOptions { ConnectionString = connectionString })));
    }

    [Fact]
    public async Task Write_KeyWithNulCharacter_ThrowsArgumentException()
    {
        await using var storage = Create("Host=127.0.0.1;Port=1;Database=unused");
        await Assert.ThrowsAsync<ArgumentException>(() => storage.WriteAsync("t", "s", "a\0b", Payload("x"), null, Ct));
    }

    [Fact]
    public void Migrations_EmbeddedFiles_AreNumberedFromOneWithoutGaps()
    {
        Assert.Equal(Enumerable.Range(1, PostgresSchema.LatestVersion), PostgresSchema.Migrations.Select(static m => m.Version));
        Assert.Equal("grain_state", PostgresSchema.Migrations[0].Name);
        Assert.Throws<InvalidOperationException>(() => PostgresSchema.Parse([("0001_a.sql", ""), ("0003_c.sql", "")]));
        Assert.Throws<InvalidOperationException>(() => PostgresSchema.Parse([("1_a.sql", "")]));
    }

    [Fact]
    public async Task Measured_PostgresProvider_IsTaggedPostgres()
    {
        var providers = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MeasuredGrainStorage.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "storage.provider")
                {
                    lock (providers)
                    {
                        providers.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();

        await using var storage = Create("Host=127.0.0.1;Port=1;Database=unused");
        using var measured = new MeasuredGrainStorage(storage, meterFactory: null);

        lock (providers)
        {
            Assert.Contains("postgres", providers);
        }
    }

    private static PostgresGrainStorage Create(string connectionString, IReadOnlyList<PostgresMigration>? migrations = null)
        => new(Options.Create(new PostgresGrainStorageOptions { ConnectionString = connectionString }), migrations ?? PostgresSchema.Migrations,
            TimeProvider.System, logger: null);

    private static string NewKey() => "k" + Guid.NewGuid().ToString("N")[..12];

    private static byte[] Payload(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> payload) => Encoding.UTF8.GetString(payload.Span);

    private static async Task<T> RetryTransientAsync<T>(Func<Task<T>> operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (GrainStorageException e) when (e.IsTransient && attempt < 20)
            {
                await Task.Delay(100, Ct);
            }
        }
    }

    private static async Task<List<T>> ListAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
