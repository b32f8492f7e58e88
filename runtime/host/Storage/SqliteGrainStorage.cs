using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Storage;

/// <summary>
/// Grain storage in one SQLite database file (the embedded, single-silo default): table <c>grain_state</c> keyed
/// by (grain_type, state_name, grain_key), WAL journal, a busy timeout and <c>secure_delete</c> on every connection (the
/// content of deleted and overwritten records is zeroed in the file, not left in free pages), and versioned schema
/// migrations recorded in <c>memos_schema_version</c> and applied by <see cref="InitializeAsync"/>.
/// <see cref="CompactAsync"/> checkpoints and truncates the WAL, the last place an erased record's old page images live.
/// </summary>
/// <remarks>
/// Keys are compared by SQLite's BINARY collation over UTF-8, i.e. by Unicode code point; that equals .NET ordinal
/// order except between supplementary characters and U+E000..U+FFFF. Microsoft.Data.Sqlite performs I/O
/// synchronously even in its async methods, so each operation blocks a thread-pool thread for its duration.
/// </remarks>
public sealed partial class SqliteGrainStorage : IGrainStorage, IGrainStorageCompaction, IDisposable, ISqlGrainStorageDialect
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SqlGrainStateTable _table;

    /// <summary>Creates the provider; nothing is opened until first use or <see cref="InitializeAsync"/>.</summary>
    /// <param name="options">The settings; <see cref="SqliteGrainStorageOptions.ConnectionString"/> is required.</param>
    /// <param name="timeProvider">The clock for <c>updated_at</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <exception cref="ArgumentException">The connection string is empty or invalid, or the busy timeout is not
    /// positive.</exception>
    public SqliteGrainStorage(
        IOptions<SqliteGrainStorageOptions> options, TimeProvider? timeProvider = null, ILogger<SqliteGrainStorage>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.ConnectionString))
        {
            throw new ArgumentException(
                $"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.ConnectionString)} is required.", nameof(options));
        }

        if (value.BusyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.BusyTimeout)} must be positive.", nameof(options));
        }

        // Parsing here turns a malformed connection string into an ArgumentException at startup, not a storage error later.
        var builder = new SqliteConnectionStringBuilder(value.ConnectionString);

        // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until the command timeout; aligning it with the busy
        // timeout makes BusyTimeout the single knob for how long a contended statement waits.
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(value.BusyTimeout.TotalSeconds));
        _connectionString = builder.ToString();
        _busyTimeoutMilliseconds = (int)Math.Min(int.MaxValue, value.BusyTimeout.TotalMilliseconds);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _table = new SqlGrainStateTable(this, _timeProvider);
    }

    /// <summary>The schema version this build writes and migrates to.</summary>
    public static int LatestSchemaVersion => Migrations[^1].Version;

    string ISqlGrainStorageDialect.Table => "grain_state";

    // Stopping at the first key past the prefix is enough: SQLite steps the index row by row as the reader asks.
    string ISqlGrainStorageDialect.OpenEndedPrefixFilter => string.Empty;

    bool ISqlGrainStorageDialect.TextAllowsNul => true;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _table.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task<GrainStorageRecord?> ReadAsync(
        string grainType, string stateName, string grainKey, CancellationToken cancellationToken = default)
        => _table.ReadAsync(grainType, stateName, grainKey, cancellationToken);

    /// <inheritdoc />
    public Task<string> WriteAsync(
        string grainType,
        string stateName,
        string grainKey,
        ReadOnlyMemory<byte> payload,
        string? expectedEtag,
        CancellationToken cancellationToken = default)
        => _table.WriteAsync(grainType, stateName, grainKey, payload, expectedEtag, cancellationToken);

    /// <inheritdoc />
    public Task ClearAsync(
        string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default)
        => _table.ClearAsync(grainType, stateName, grainKey, expectedEtag, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken = default)
        => _table.ScanAsync(grainType, stateName, keyPrefix, cancellationToken);

    /// <summary>Returns this database's pooled connections to the operating system so the file can be deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _table.Dispose();
    }

    async Task<DbConnection> ISqlGrainStorageDialect.OpenConnectionAsync(CancellationToken cancellationToken)
        => await OpenAsync(cancellationToken).ConfigureAwait(false);

    async Task ISqlGrainStorageDialect.MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    DbParameter ISqlGrainStorageDialect.CreatePayloadParameter(string name, ReadOnlyMemory<byte> payload)
        => new SqliteParameter(name, SqliteType.Blob) { Value = payload.ToArray() };

    DbParameter ISqlGrainStorageDialect.CreateTimestampParameter(string name, DateTimeOffset value)
        => new SqliteParameter(name, SqliteType.Integer) { Value = value.ToUnixTimeMilliseconds() };

    GrainStorageException ISqlGrainStorageDialect.Wrap(DbException exception, string operation, string grainType, string stateName, string grainKey)
    {
        var code = exception is SqliteException sqlite ? sqlite.SqliteErrorCode : exception.ErrorCode;

        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another connection held the lock past the busy timeout.
        var transient = code is 5 or 6;
        LogErrorStorageOperationFailed(_logger, exception, operation, grainType, stateName, grainKey, code);
        return new GrainStorageException(
            $"SQLite grain storage failed to {operation} state '{stateName}' of grain {grainType}/{grainKey}: {exception.Message}",
            exception,
            transient);
    }

    /// <inheritdoc />
    /// <remarks>Runs <c>PRAGMA wal_checkpoint(TRUNCATE)</c>: every WAL frame (including the page images written before an
    /// erasure) is copied into the database file and the WAL is truncated to zero bytes. A checkpoint blocked by a
    /// concurrent reader is retried for up to about a second.</remarks>
    public async Task<bool> CompactAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            for (var attempt = 0; attempt < 20; attempt++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt32(0) == 0)
                {
                    return true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }

            return false;
        }
        catch (SqliteException e)
        {
            throw ((ISqlGrainStorageDialect)this).Wrap(e, "compact", "*", "*", "*");
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Both are per connection, so they are set on every open (pooled connections included).
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds}; PRAGMA secure_delete = ON;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Error,
        Message = "SQLite grain storage failed to {Operation} state {StateName} of grain {GrainType}/{GrainKey} (SQLite error {SqliteErrorCode})")]
    private static partial void LogErrorStorageOperationFailed(
        ILogger logger, Exception exception, string operation, string grainType, string stateName, string grainKey, int sqliteErrorCode);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Migrated SQLite grain storage {DataSource} from schema version {FromVersion} to {ToVersion}")]
    private static partial void LogInformationSchemaMigrated(ILogger logger, string dataSource, int fromVersion, int toVersion);
}
