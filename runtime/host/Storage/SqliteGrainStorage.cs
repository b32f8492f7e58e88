using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Storage;

/// <summary>
/// Grain storage in one SQLite database file (the embedded, single-silo default): table <c>grain_state</c> keyed
/// by (grain_type, state_name, grain_key), WAL journal, a busy timeout on every connection, and versioned schema
/// migrations recorded in <c>memos_schema_version</c> and applied by <see cref="InitializeAsync"/>.
/// </summary>
/// <remarks>
/// Keys are compared by SQLite's BINARY collation over UTF-8, i.e. by Unicode code point; that equals .NET ordinal
/// order except between supplementary characters and U+E000..U+FFFF. Microsoft.Data.Sqlite performs I/O
/// synchronously even in its async methods, so each operation blocks a thread-pool thread for its duration.
/// </remarks>
public sealed partial class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initializationLock = new(1, 1);
    private volatile bool _initialized;

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
    }

    /// <summary>The schema version this build writes and migrates to.</summary>
    public static int LatestSchemaVersion => Migrations[^1].Version;

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initializationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, "initialize", string.Empty, string.Empty, string.Empty);
        }
        finally
        {
            _initializationLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<GrainStorageRecord?> ReadAsync(
        string grainType, string stateName, string grainKey, CancellationToken cancellationToken = default)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT payload, etag FROM grain_state WHERE grain_type = $type AND state_name = $state AND grain_key = $key;";
            AddIdentity(command, grainType, stateName, grainKey);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new GrainStorageRecord(grainKey, (byte[])reader.GetValue(0), reader.GetString(1));
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, "read", grainType, stateName, grainKey);
        }
    }

    /// <inheritdoc />
    public async Task<string> WriteAsync(
        string grainType,
        string stateName,
        string grainKey,
        ReadOnlyMemory<byte> payload,
        string? expectedEtag,
        CancellationToken cancellationToken = default)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var newEtag = Guid.NewGuid().ToString("N");
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            int rows;
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = expectedEtag is null
                    ? """
                      INSERT INTO grain_state (grain_type, state_name, grain_key, payload, etag, updated_at)
                      VALUES ($type, $state, $key, $payload, $etag, $updated)
                      ON CONFLICT (grain_type, state_name, grain_key) DO NOTHING;
                      """
                    : """
                      UPDATE grain_state SET payload = $payload, etag = $etag, updated_at = $updated
                      WHERE grain_type = $type AND state_name = $state AND grain_key = $key AND etag = $expected;
                      """;
                AddIdentity(command, grainType, stateName, grainKey);
                command.Parameters.Add("$payload", SqliteType.Blob).Value = payload.ToArray();
                command.Parameters.AddWithValue("$etag", newEtag);
                command.Parameters.AddWithValue("$updated", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                if (expectedEtag is not null)
                {
                    command.Parameters.AddWithValue("$expected", expectedEtag);
                }

                rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows == 0)
            {
                var stored = await ReadEtagAsync(connection, grainType, stateName, grainKey, cancellationToken).ConfigureAwait(false);
                throw GrainStorageConflict.Create("write", grainType, stateName, grainKey, stored, expectedEtag);
            }

            return newEtag;
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, "write", grainType, stateName, grainKey);
        }
    }

    /// <inheritdoc />
    public async Task ClearAsync(
        string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            if (expectedEtag is null)
            {
                var existing = await ReadEtagAsync(connection, grainType, stateName, grainKey, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    throw GrainStorageConflict.Create("clear", grainType, stateName, grainKey, existing, null);
                }

                return;
            }

            int rows;
            await using (var command = connection.CreateCommand())
            {
                command.CommandText =
                    "DELETE FROM grain_state WHERE grain_type = $type AND state_name = $state AND grain_key = $key AND etag = $expected;";
                AddIdentity(command, grainType, stateName, grainKey);
                command.Parameters.AddWithValue("$expected", expectedEtag);
                rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows == 0)
            {
                var stored = await ReadEtagAsync(connection, grainType, stateName, grainKey, cancellationToken).ConfigureAwait(false);
                throw GrainStorageConflict.Create("clear", grainType, stateName, grainKey, stored, expectedEtag);
            }
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, "clear", grainType, stateName, grainKey);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);

        // C# forbids yield inside try/catch, so the statements that can fail are wrapped in helpers.
        var (connection, command, reader) = await OpenScanAsync(grainType, stateName, keyPrefix, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (command.ConfigureAwait(false))
        await using (reader.ConfigureAwait(false))
        {
            while (await ReadNextAsync(reader, grainType, stateName, keyPrefix, cancellationToken).ConfigureAwait(false))
            {
                var key = reader.GetString(0);

                // Keys sharing a prefix are contiguous in key order, so the first miss ends the scan (this is the
                // only bound when the prefix has no computable upper bound).
                if (!key.StartsWith(keyPrefix, StringComparison.Ordinal))
                {
                    yield break;
                }

                yield return new GrainStorageRecord(key, (byte[])reader.GetValue(1), reader.GetString(2));
            }
        }
    }

    /// <summary>Returns this database's pooled connections to the operating system so the file can be deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _initializationLock.Dispose();
    }

    private static void ValidateIdentity(string grainType, string stateName, string grainKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentException.ThrowIfNullOrEmpty(grainKey);
    }

    private static void AddIdentity(SqliteCommand command, string grainType, string stateName, string grainKey)
    {
        command.Parameters.AddWithValue("$type", grainType);
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$key", grainKey);
    }

    private static async Task<string?> ReadEtagAsync(
        SqliteConnection connection, string grainType, string stateName, string grainKey, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT etag FROM grain_state WHERE grain_type = $type AND state_name = $state AND grain_key = $key;";
        AddIdentity(command, grainType, stateName, grainKey);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // busy_timeout is per connection, so it is set on every open (pooled connections included).
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds};";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(SqliteConnection Connection, SqliteCommand Command, SqliteDataReader Reader)> OpenScanAsync(
        string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken)
    {
        SqliteConnection? connection = null;
        SqliteCommand? command = null;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            command = connection.CreateCommand();
            var upperBound = GrainKeyPrefix.UpperBound(keyPrefix);

            // A key range, not LIKE: it uses the primary-key index and needs no escaping of '%' or '_'.
            command.CommandText = upperBound is null
                ? """
                  SELECT grain_key, payload, etag FROM grain_state
                  WHERE grain_type = $type AND state_name = $state AND grain_key >= $low
                  ORDER BY grain_key;
                  """
                : """
                  SELECT grain_key, payload, etag FROM grain_state
                  WHERE grain_type = $type AND state_name = $state AND grain_key >= $low AND grain_key < $high
                  ORDER BY grain_key;
                  """;
            command.Parameters.AddWithValue("$type", grainType);
            command.Parameters.AddWithValue("$state", stateName);
            command.Parameters.AddWithValue("$low", keyPrefix);
            if (upperBound is not null)
            {
                command.Parameters.AddWithValue("$high", upperBound);
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return (connection, command, reader);
        }
        catch (Exception exception)
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            if (exception is SqliteException sqliteException)
            {
                throw Wrap(sqliteException, "scan", grainType, stateName, keyPrefix);
            }

            throw;
        }
    }

    private async Task<bool> ReadNextAsync(
        SqliteDataReader reader, string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, "scan", grainType, stateName, keyPrefix);
        }
    }

    private GrainStorageException Wrap(SqliteException exception, string operation, string grainType, string stateName, string grainKey)
    {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another connection held the lock past the busy timeout.
        var transient = exception.SqliteErrorCode is 5 or 6;
        LogErrorStorageOperationFailed(_logger, exception, operation, grainType, stateName, grainKey, exception.SqliteErrorCode);
        return new GrainStorageException(
            $"SQLite grain storage failed to {operation} state '{stateName}' of grain {grainType}/{grainKey}: {exception.Message}",
            exception,
            transient);
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Error,
        Message = "SQLite grain storage failed to {Operation} state {StateName} of grain {GrainType}/{GrainKey} (SQLite error {SqliteErrorCode})")]
    private static partial void LogErrorStorageOperationFailed(
        ILogger logger, Exception exception, string operation, string grainType, string stateName, string grainKey, int sqliteErrorCode);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Migrated SQLite grain storage {DataSource} from schema version {FromVersion} to {ToVersion}")]
    private static partial void LogInformationSchemaMigrated(ILogger logger, string dataSource, int fromVersion, int toVersion);
}
