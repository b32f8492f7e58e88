using MemOS.Runtime.Storage;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Tests;

public sealed class SqliteGrainStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Initialize_OnExistingDatabaseFile_IsIdempotentAndKeepsData()
    {
        using var database = new TempDatabase();
        string etag;
        using (var first = Create(database))
        {
            await first.InitializeAsync(Ct);
            await first.InitializeAsync(Ct);
            etag = await first.WriteAsync("t", "s", "k", "{}"u8.ToArray(), null, Ct);
        }

        using (var second = Create(database))
        {
            await second.InitializeAsync(Ct);
            Assert.Equal(etag, (await second.ReadAsync("t", "s", "k", Ct))?.Etag);
        }

        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        Assert.Equal(SqliteGrainStorage.LatestSchemaVersion, await ScalarAsync<long>(connection, "SELECT COUNT(*) FROM memos_schema_version;"));
        Assert.Equal(SqliteGrainStorage.LatestSchemaVersion, await ScalarAsync<long>(connection, "SELECT MAX(version) FROM memos_schema_version;"));
        Assert.Equal("wal", await ScalarAsync<string>(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Initialize_DatabaseFromNewerRelease_ThrowsNonTransientGrainStorageException()
    {
        using var database = new TempDatabase();
        using (var storage = Create(database))
        {
            await storage.InitializeAsync(Ct);
        }

        await using (var connection = new SqliteConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO memos_schema_version (version, applied_at) VALUES (999, 0);";
            await command.ExecuteNonQueryAsync(Ct);
        }

        using var newer = Create(database);
        var error = await Assert.ThrowsAsync<GrainStorageException>(() => newer.InitializeAsync(Ct));

        Assert.False(error.IsTransient);
        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_WhileAnotherConnectionHoldsTheWriteLock_ThrowsTransientGrainStorageException()
    {
        using var database = new TempDatabase();
        var logs = new ListLoggerFactory();
        using var storage = new SqliteGrainStorage(
            Options.Create(new SqliteGrainStorageOptions { ConnectionString = database.ConnectionString, BusyTimeout = TimeSpan.FromMilliseconds(100) }),
            TimeProvider.System,
            new Microsoft.Extensions.Logging.Logger<SqliteGrainStorage>(logs));
        await storage.InitializeAsync(Ct);

        await using var blocker = new SqliteConnection(database.ConnectionString + ";Pooling=False");
        await blocker.OpenAsync(Ct);
        await using var transaction = blocker.BeginTransaction(deferred: false);

        var error = await Assert.ThrowsAsync<GrainStorageException>(
            () => storage.WriteAsync("t", "s", "k", "{}"u8.ToArray(), null, Ct).Within());

        Assert.True(error.IsTransient);
        Assert.IsType<SqliteException>(error.InnerException);
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 1100);
    }

    [Fact]
    public void Constructor_EmptyConnectionString_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new SqliteGrainStorage(Options.Create(new SqliteGrainStorageOptions())));
    }

    private static SqliteGrainStorage Create(TempDatabase database)
        => new(Options.Create(new SqliteGrainStorageOptions { ConnectionString = database.ConnectionString }));

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
