using System.Data.Common;
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
public sealed partial class PostgresGrainStorage : IGrainStorage, IAsyncDisposable, IDisposable, ISqlGrainStorageDialect
{
    private const string ApplicationName = "memos";

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<PostgresMigration> _migrations;
    private readonly TimeSpan _migrationTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SqlGrainStateTable _table;

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
        _table = new SqlGrainStateTable(this, _timeProvider);
    }

    /// <summary>The schema version this build writes and migrates to.</summary>
    public static int LatestSchemaVersion => PostgresSchema.LatestVersion;

    /// <inheritdoc />
    /// <remarks>Applies the pending schema migrations in one transaction under <c>pg_advisory_xact_lock</c>, so silos
    /// starting together on one database migrate it once. A failed initialization is retried by the next call.</remarks>
    /// <exception cref="GrainStorageException">The server could not be reached (transient), a migration failed, or the
    /// database has a schema version newer than <see cref="LatestSchemaVersion"/> (not transient).</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _table.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An identity part is null, empty or contains U+0000.</exception>
    public Task<GrainStorageRecord?> ReadAsync(
        string grainType, string stateName, string grainKey, CancellationToken cancellationToken = default)
        => _table.ReadAsync(grainType, stateName, grainKey, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An identity part is null, empty or contains U+0000.</exception>
    public Task<string> WriteAsync(
        string grainType,
        string stateName,
        string grainKey,
        ReadOnlyMemory<byte> payload,
        string? expectedEtag,
        CancellationToken cancellationToken = default)
        => _table.WriteAsync(grainType, stateName, grainKey, payload, expectedEtag, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An identity part is null, empty or contains U+0000.</exception>
    public Task ClearAsync(
        string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default)
        => _table.ClearAsync(grainType, stateName, grainKey, expectedEtag, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Rows stream from the server as they are enumerated; the scan holds one pooled connection until the
    /// enumeration ends or is disposed.</remarks>
    /// <exception cref="ArgumentException"><paramref name="grainType"/> or <paramref name="stateName"/> is null,
    /// empty or contains U+0000.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="keyPrefix"/> is null.</exception>
    public IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken = default)
        => _table.ScanAsync(grainType, stateName, keyPrefix, cancellationToken);

    /// <summary>Closes the connection pool.</summary>
    public void Dispose()
    {
        _dataSource.Dispose();
        _table.Dispose();
    }

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task that completes when the pool's connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _table.Dispose();
    }

    string ISqlGrainStorageDialect.Table => "memos_grain_state";

    // Without it, a scan whose prefix has no upper bound would stream every later key of the state from the server.
    string ISqlGrainStorageDialect.OpenEndedPrefixFilter => "AND starts_with(grain_key, @low)";

    bool ISqlGrainStorageDialect.TextAllowsNul => false;

    private string Database => new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString).Database ?? "(default)";

    async Task<DbConnection> ISqlGrainStorageDialect.OpenConnectionAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    async Task ISqlGrainStorageDialect.MigrateAsync(CancellationToken cancellationToken)
    {
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
    }

    DbParameter ISqlGrainStorageDialect.CreatePayloadParameter(string name, ReadOnlyMemory<byte> payload)
        => new NpgsqlParameter<ReadOnlyMemory<byte>>(name, NpgsqlDbType.Bytea) { TypedValue = payload };

    DbParameter ISqlGrainStorageDialect.CreateTimestampParameter(string name, DateTimeOffset value)
        => new NpgsqlParameter<DateTimeOffset>(name, NpgsqlDbType.TimestampTz) { TypedValue = value };

    GrainStorageException ISqlGrainStorageDialect.Wrap(DbException exception, string operation, string grainType, string stateName, string grainKey)
    {
        var transient = exception is NpgsqlException npgsql && PostgresErrors.IsTransient(npgsql);
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
        return new GrainStorageException($"PostgreSQL grain storage failed to {operation} {subject}: {exception.Message}", exception, transient);
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
