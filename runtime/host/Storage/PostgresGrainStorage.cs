using System.Runtime.CompilerServices;
using MemOS.Runtime.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace MemOS.Runtime.Storage;

/// <summary>
/// Grain storage in PostgreSQL (Npgsql), the store a cluster of silos shares: table <c>memos_grain_state</c> keyed by
/// (grain_type, state_name, grain_key), one pooled <see cref="NpgsqlDataSource"/> per provider, and the MemOS schema
/// migrations (<c>memos_schema_version</c>) applied by <see cref="InitializeAsync"/> under an advisory lock.
/// </summary>
/// <remarks>
/// <para>Optimistic concurrency is decided by the database in one statement: a write is
/// <c>UPDATE ... WHERE etag = @expected</c> (or <c>INSERT ... ON CONFLICT DO NOTHING</c> for a first write), and
/// PostgreSQL re-checks the condition on the latest row version after waiting for a concurrent writer's row lock, so of
/// any number of writers holding one ETag exactly one succeeds; the others get <see cref="InconsistentStateException"/>.
/// The stored ETag that exception reports is read right after the refused statement, so it is informative, not a
/// promise that no later write happened.</para>
/// <para>Keys compare in the <c>"C"</c> collation (code point order, as <see cref="SqliteGrainStorage"/>), whatever the
/// database's default collation, and a prefix scan is a range over the primary key. PostgreSQL text cannot hold
/// U+0000, so grain types, state names and keys containing it are refused.</para>
/// <para>Failures to reach or use the server are logged and thrown as <see cref="GrainStorageException"/>, with
/// <see cref="GrainStorageException.IsTransient"/> set when retrying may succeed (connection refused or dropped,
/// server starting or shutting down, too many connections, serialization failure, deadlock).</para>
/// </remarks>
public sealed partial class PostgresGrainStorage : IGrainStorage, IAsyncDisposable, IDisposable
{
    private const string ApplicationName = "memos";

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<PostgresMigration> _migrations;
    private readonly TimeSpan _migrationTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initializationLock = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates the provider and its connection pool; nothing is opened until first use or
    /// <see cref="InitializeAsync"/>.</summary>
    /// <param name="options">The settings; <see cref="PostgresGrainStorageOptions.ConnectionString"/> is required.</param>
    /// <param name="timeProvider">The clock for <c>updated_at</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The connection string is empty or not a valid Npgsql connection string,
    /// or the migration timeout is not positive.</exception>
    public PostgresGrainStorage(
        IOptions<PostgresGrainStorageOptions> options, TimeProvider? timeProvider = null, ILogger<PostgresGrainStorage>? logger = null)
        : this(options, PostgresSchema.Migrations, timeProvider, logger)
    {
    }

    /// <summary>Creates the provider with a given list of migrations (tests use it to play an older or newer build).</summary>
    internal PostgresGrainStorage(
        IOptions<PostgresGrainStorageOptions> options, IReadOnlyList<PostgresMigration> migrations, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(migrations);
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.ConnectionString))
        {
            throw new ArgumentException(
                $"{nameof(PostgresGrainStorageOptions)}.{nameof(PostgresGrainStorageOptions.ConnectionString)} is required.", nameof(options));
        }

        if (value.MigrationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"{nameof(PostgresGrainStorageOptions)}.{nameof(PostgresGrainStorageOptions.MigrationTimeout)} must be positive.", nameof(options));
        }

        try
        {
            // Parsed and built here so that a malformed connection string fails at startup, not at the first grain call.
            var builder = new NpgsqlConnectionStringBuilder(value.ConnectionString);
            if (string.IsNullOrEmpty(builder.ApplicationName))
            {
                // Names the silo's sessions in pg_stat_activity.
                builder.ApplicationName = ApplicationName;
            }

            _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            throw new ArgumentException(
                $"{nameof(PostgresGrainStorageOptions)}.{nameof(PostgresGrainStorageOptions.ConnectionString)} is not a valid Npgsql " +
                $"connection string: {exception.Message}",
                nameof(options),
                exception);
        }

        _migrations = migrations;
        _migrationTimeout = value.MigrationTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The schema version this build writes and migrates to.</summary>
    public static int LatestSchemaVersion => PostgresSchema.LatestVersion;

    /// <inheritdoc />
    /// <remarks>Applies the pending schema migrations in one transaction under <c>pg_advisory_xact_lock</c>, so silos
    /// starting together on one database migrate it once. A failed initialization is retried by the next call.</remarks>
    /// <exception cref="GrainStorageException">The server could not be reached (transient), a migration failed, or the
    /// database has a schema version newer than <see cref="LatestSchemaVersion"/> (not transient).</exception>
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

            var found = await PostgresSchema.MigrateAsync(
                _dataSource, _migrations, _timeProvider, _logger, _migrationTimeout, cancellationToken).ConfigureAwait(false);
            var latest = _migrations.Count == 0 ? 0 : _migrations[^1].Version;
            if (found > latest)
            {
                throw new GrainStorageException(
                    $"The PostgreSQL database {Database} has MemOS schema version {found}, newer than the {latest} this build " +
                    "supports; upgrade MemOS or point it at another database.",
                    innerException: null,
                    isTransient: false);
            }

            _initialized = true;
        }
        catch (NpgsqlException exception)
        {
            throw Wrap(exception, "initialize", string.Empty, string.Empty, string.Empty);
        }
        finally
        {
            _initializationLock.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An identity part is null, empty or contains U+0000.</exception>
    public async Task<GrainStorageRecord?> ReadAsync(
        string grainType, string stateName, string grainKey, CancellationToken cancellationToken = default)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = _dataSource.CreateCommand(
                "SELECT payload, etag FROM memos_grain_state WHERE grain_type = @type AND state_name = @state AND grain_key = @key;");
            AddIdentity(command, grainType, stateName, grainKey);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new GrainStorageRecord(grainKey, reader.GetFieldValue<byte[]>(0), reader.GetString(1));
        }
        catch (NpgsqlException exception)
        {
            throw Wrap(exception, "read", grainType, stateName, grainKey);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An identity part is null, empty or contains U+0000.</exception>
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
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            int rows;
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = expectedEtag is null
                    ? """
                      INSERT INTO memos_grain_state (grain_type, state_name, grain_key, payload, etag, updated_at)
                      VALUES (@type, @state, @key, @payload, @etag, @updated)
                      ON CONFLICT (grain_type, state_name, grain_key) DO NOTHING;
                      """
                    : """
                      UPDATE memos_grain_state SET payload = @payload, etag = @etag, updated_at = @updated
                      WHERE grain_type = @type AND state_name = @state AND grain_key = @key AND etag = @expected;
                      """;
                AddIdentity(command, grainType, stateName, grainKey);
                command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("payload", NpgsqlDbType.Bytea) { TypedValue = payload });
                command.Parameters.Add(Text("etag", newEtag));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("updated", NpgsqlDbType.TimestampTz) { TypedValue = _timeProvider.GetUtcNow() });
                if (expectedEtag is not null)
                {
                    command.Parameters.Add(Text("expected", expectedEtag));
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
        catch (NpgsqlException exception)
        {
            throw Wrap(exception, "write", grainType, stateName, grainKey);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An identity part is null, empty or contains U+0000.</exception>
    public async Task ClearAsync(
        string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
                    "DELETE FROM memos_grain_state WHERE grain_type = @type AND state_name = @state AND grain_key = @key AND etag = @expected;";
                AddIdentity(command, grainType, stateName, grainKey);
                command.Parameters.Add(Text("expected", expectedEtag));
                rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows == 0)
            {
                var stored = await ReadEtagAsync(connection, grainType, stateName, grainKey, cancellationToken).ConfigureAwait(false);
                throw GrainStorageConflict.Create("clear", grainType, stateName, grainKey, stored, expectedEtag);
            }
        }
        catch (NpgsqlException exception)
        {
            throw Wrap(exception, "clear", grainType, stateName, grainKey);
        }
    }

    /// <inheritdoc />
    /// <remarks>Rows stream from the server as they are enumerated; the scan holds one pooled connection until the
    /// enumeration ends or is disposed.</remarks>
    /// <exception cref="ArgumentException"><paramref name="grainType"/> or <paramref name="stateName"/> is null,
    /// empty or contains U+0000.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="keyPrefix"/> is null.</exception>
    public async IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ValidatePart(grainType, nameof(grainType));
        ValidatePart(stateName, nameof(stateName));
        ArgumentNullException.ThrowIfNull(keyPrefix);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (keyPrefix.Contains('\0', StringComparison.Ordinal))
        {
            // No stored key can contain U+0000, so none can start with this prefix.
            yield break;
        }

        // C# forbids yield inside try/catch, so the statements that can fail are wrapped in helpers.
        var (command, reader) = await OpenScanAsync(grainType, stateName, keyPrefix, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        await using (reader.ConfigureAwait(false))
        {
            while (await ReadNextAsync(reader, grainType, stateName, keyPrefix, cancellationToken).ConfigureAwait(false))
            {
                yield return new GrainStorageRecord(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2));
            }
        }
    }

    /// <summary>Closes the connection pool.</summary>
    public void Dispose()
    {
        _dataSource.Dispose();
        _initializationLock.Dispose();
    }

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task that completes when the pool's connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initializationLock.Dispose();
    }

    private string Database => new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString).Database ?? "(default)";

    private static void ValidateIdentity(string grainType, string stateName, string grainKey)
    {
        ValidatePart(grainType, nameof(grainType));
        ValidatePart(stateName, nameof(stateName));
        ValidatePart(grainKey, nameof(grainKey));
    }

    private static void ValidatePart(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameterName);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("PostgreSQL text cannot hold U+0000.", parameterName);
        }
    }

    private static NpgsqlParameter<string> Text(string name, string value) => new(name, NpgsqlDbType.Text) { TypedValue = value };

    private static void AddIdentity(NpgsqlCommand command, string grainType, string stateName, string grainKey)
    {
        command.Parameters.Add(Text("type", grainType));
        command.Parameters.Add(Text("state", stateName));
        command.Parameters.Add(Text("key", grainKey));
    }

    private static async Task<string?> ReadEtagAsync(
        NpgsqlConnection connection, string grainType, string stateName, string grainKey, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT etag FROM memos_grain_state WHERE grain_type = @type AND state_name = @state AND grain_key = @key;";
        AddIdentity(command, grainType, stateName, grainKey);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private async Task<(NpgsqlCommand Command, NpgsqlDataReader Reader)> OpenScanAsync(
        string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken)
    {
        var upperBound = GrainKeyPrefix.UpperBound(keyPrefix);

        // The range bounds the primary-key index scan; starts_with keeps the result exact where there is no upper bound
        // (an empty prefix, or one ending in U+FFFF or a surrogate).
        var command = _dataSource.CreateCommand(upperBound is null
            ? """
              SELECT grain_key, payload, etag FROM memos_grain_state
              WHERE grain_type = @type AND state_name = @state AND grain_key >= @low AND starts_with(grain_key, @low)
              ORDER BY grain_key;
              """
            : """
              SELECT grain_key, payload, etag FROM memos_grain_state
              WHERE grain_type = @type AND state_name = @state AND grain_key >= @low AND grain_key < @high
              ORDER BY grain_key;
              """);
        try
        {
            command.Parameters.Add(Text("type", grainType));
            command.Parameters.Add(Text("state", stateName));
            command.Parameters.Add(Text("low", keyPrefix));
            if (upperBound is not null)
            {
                command.Parameters.Add(Text("high", upperBound));
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return (command, reader);
        }
        catch (Exception exception)
        {
            await command.DisposeAsync().ConfigureAwait(false);
            if (exception is NpgsqlException npgsqlException)
            {
                throw Wrap(npgsqlException, "scan", grainType, stateName, keyPrefix);
            }

            throw;
        }
    }

    private async Task<bool> ReadNextAsync(
        NpgsqlDataReader reader, string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw Wrap(exception, "scan", grainType, stateName, keyPrefix);
        }
    }

    private GrainStorageException Wrap(NpgsqlException exception, string operation, string grainType, string stateName, string grainKey)
    {
        var transient = PostgresErrors.IsTransient(exception);
        var sqlState = exception.SqlState ?? "none";
        if (transient)
        {
            LogWarningTransientFailure(_logger, exception, operation, grainType, stateName, grainKey, sqlState);
        }
        else
        {
            LogErrorStorageOperationFailed(_logger, exception, operation, grainType, stateName, grainKey, sqlState);
        }

        var subject = operation == "initialize" ? $"database {Database}" : $"state '{stateName}' of grain {grainType}/{grainKey}";
        return new GrainStorageException(
            $"PostgreSQL grain storage failed to {operation} {subject}: {exception.Message}",
            exception,
            transient);
    }

    [LoggerMessage(EventId = 1120, Level = LogLevel.Error,
        Message = "PostgreSQL grain storage failed to {Operation} state {StateName} of grain {GrainType}/{GrainKey} (SQLSTATE {SqlState})")]
    private static partial void LogErrorStorageOperationFailed(
        ILogger logger, Exception exception, string operation, string grainType, string stateName, string grainKey, string sqlState);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Warning,
        Message = "PostgreSQL grain storage failed to {Operation} state {StateName} of grain {GrainType}/{GrainKey} for a transient reason (SQLSTATE {SqlState}); a retry may succeed")]
    private static partial void LogWarningTransientFailure(
        ILogger logger, Exception exception, string operation, string grainType, string stateName, string grainKey, string sqlState);
}
