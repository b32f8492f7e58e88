using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace MemOS.Runtime.Storage;

/// <summary>
/// The grain storage operations over one SQL table, shared by <see cref="SqliteGrainStorage"/> and
/// <see cref="PostgresGrainStorage"/>: the statements (standard SQL both databases run alike), the ETag conditions, the
/// prefix scan as a key range, and the one-time schema migration. What differs lives in the
/// <see cref="ISqlGrainStorageDialect"/>.
/// </summary>
/// <remarks>
/// Every write is a single conditional statement: <c>UPDATE ... WHERE etag = @expected</c>, or
/// <c>INSERT ... ON CONFLICT DO NOTHING</c> when no record may exist. The database applies it atomically against the
/// latest committed row (PostgreSQL re-checks the condition after waiting for a concurrent writer's row lock; SQLite
/// has one writer at a time), so of any number of writers holding one ETag exactly one succeeds. When none is written,
/// the stored ETag is read for the <see cref="InconsistentStateException"/>; it is informative, as another write may
/// follow.
/// </remarks>
internal sealed class SqlGrainStateTable : IDisposable
{
    private readonly ISqlGrainStorageDialect _dialect;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _initializationLock = new(1, 1);
    private readonly string _readSql;
    private readonly string _readEtagSql;
    private readonly string _insertSql;
    private readonly string _updateSql;
    private readonly string _deleteSql;
    private readonly string _scanSql;
    private readonly string _boundedScanSql;
    private volatile bool _initialized;

    public SqlGrainStateTable(ISqlGrainStorageDialect dialect, TimeProvider timeProvider)
    {
        _dialect = dialect;
        _timeProvider = timeProvider;
        var table = dialect.Table;
        const string Identity = "grain_type = @type AND state_name = @state AND grain_key = @key";
        _readSql = $"SELECT payload, etag FROM {table} WHERE {Identity};";
        _readEtagSql = $"SELECT etag FROM {table} WHERE {Identity};";
        _insertSql = $"""
            INSERT INTO {table} (grain_type, state_name, grain_key, payload, etag, updated_at)
            VALUES (@type, @state, @key, @payload, @etag, @updated)
            ON CONFLICT (grain_type, state_name, grain_key) DO NOTHING;
            """;
        _updateSql = $"UPDATE {table} SET payload = @payload, etag = @etag, updated_at = @updated WHERE {Identity} AND etag = @expected;";
        _deleteSql = $"DELETE FROM {table} WHERE {Identity} AND etag = @expected;";

        // A key range, not LIKE: it is a range over the primary-key index and needs no escaping of '%', '_' or '\'.
        const string Scan = "SELECT grain_key, payload, etag FROM {0} WHERE grain_type = @type AND state_name = @state AND grain_key >= @low {1} ORDER BY grain_key;";
        _scanSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, Scan, table, dialect.OpenEndedPrefixFilter);
        _boundedScanSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, Scan, table, "AND grain_key < @high");
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
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

            await _dialect.MigrateAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        catch (DbException exception)
        {
            throw _dialect.Wrap(exception, "initialize", string.Empty, string.Empty, string.Empty);
        }
        finally
        {
            _initializationLock.Release();
        }
    }

    public async Task<GrainStorageRecord?> ReadAsync(string grainType, string stateName, string grainKey, CancellationToken cancellationToken)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, _readSql, grainType, stateName, grainKey);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new GrainStorageRecord(grainKey, reader.GetFieldValue<byte[]>(0), reader.GetString(1));
        }
        catch (DbException exception)
        {
            throw _dialect.Wrap(exception, "read", grainType, stateName, grainKey);
        }
    }

    public async Task<string> WriteAsync(
        string grainType, string stateName, string grainKey, ReadOnlyMemory<byte> payload, string? expectedEtag, CancellationToken cancellationToken)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var newEtag = Guid.NewGuid().ToString("N");
        try
        {
            await using var connection = await _dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            int rows;
            await using (var command = Command(connection, expectedEtag is null ? _insertSql : _updateSql, grainType, stateName, grainKey))
            {
                command.Parameters.Add(_dialect.CreatePayloadParameter("@payload", payload));
                command.Parameters.Add(Text(command, "@etag", newEtag));
                command.Parameters.Add(_dialect.CreateTimestampParameter("@updated", _timeProvider.GetUtcNow()));
                if (expectedEtag is not null)
                {
                    command.Parameters.Add(Text(command, "@expected", expectedEtag));
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
        catch (DbException exception)
        {
            throw _dialect.Wrap(exception, "write", grainType, stateName, grainKey);
        }
    }

    public async Task ClearAsync(string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken)
    {
        ValidateIdentity(grainType, stateName, grainKey);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
            await using (var command = Command(connection, _deleteSql, grainType, stateName, grainKey))
            {
                command.Parameters.Add(Text(command, "@expected", expectedEtag));
                rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows == 0)
            {
                var stored = await ReadEtagAsync(connection, grainType, stateName, grainKey, cancellationToken).ConfigureAwait(false);
                throw GrainStorageConflict.Create("clear", grainType, stateName, grainKey, stored, expectedEtag);
            }
        }
        catch (DbException exception)
        {
            throw _dialect.Wrap(exception, "clear", grainType, stateName, grainKey);
        }
    }

    public async IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ValidatePart(grainType, nameof(grainType));
        ValidatePart(stateName, nameof(stateName));
        ArgumentNullException.ThrowIfNull(keyPrefix);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (!_dialect.TextAllowsNul && keyPrefix.Contains('\0', StringComparison.Ordinal))
        {
            // No stored key can contain U+0000, so none can start with this prefix.
            yield break;
        }

        // C# forbids yield inside try/catch, so the statements that can fail are wrapped in helpers.
        var (connection, command, reader) = await OpenScanAsync(grainType, stateName, keyPrefix, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (command.ConfigureAwait(false))
        await using (reader.ConfigureAwait(false))
        {
            while (await ReadNextAsync(reader, grainType, stateName, keyPrefix, cancellationToken).ConfigureAwait(false))
            {
                var key = reader.GetString(0);

                // Keys sharing a prefix are contiguous in key order, so the first miss ends the scan (the only bound
                // where the prefix has no computable upper bound and the dialect adds no filter).
                if (!key.StartsWith(keyPrefix, StringComparison.Ordinal))
                {
                    yield break;
                }

                yield return new GrainStorageRecord(key, reader.GetFieldValue<byte[]>(1), reader.GetString(2));
            }
        }
    }

    public void Dispose() => _initializationLock.Dispose();

    private static DbParameter Text(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Value = value;
        return parameter;
    }

    private static DbCommand Command(DbConnection connection, string sql, string grainType, string stateName, string grainKey)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(Text(command, "@type", grainType));
        command.Parameters.Add(Text(command, "@state", stateName));
        command.Parameters.Add(Text(command, "@key", grainKey));
        return command;
    }

    private void ValidateIdentity(string grainType, string stateName, string grainKey)
    {
        ValidatePart(grainType, nameof(grainType));
        ValidatePart(stateName, nameof(stateName));
        ValidatePart(grainKey, nameof(grainKey));
    }

    private void ValidatePart(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameterName);
        if (!_dialect.TextAllowsNul && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("This database's text cannot hold U+0000.", parameterName);
        }
    }

    private async Task<string?> ReadEtagAsync(
        DbConnection connection, string grainType, string stateName, string grainKey, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, _readEtagSql, grainType, stateName, grainKey);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private async Task<(DbConnection Connection, DbCommand Command, DbDataReader Reader)> OpenScanAsync(
        string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken)
    {
        DbConnection? connection = null;
        DbCommand? command = null;
        try
        {
            connection = await _dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            command = connection.CreateCommand();
            var upperBound = GrainKeyPrefix.UpperBound(keyPrefix);
            command.CommandText = upperBound is null ? _scanSql : _boundedScanSql;
            command.Parameters.Add(Text(command, "@type", grainType));
            command.Parameters.Add(Text(command, "@state", stateName));
            command.Parameters.Add(Text(command, "@low", keyPrefix));
            if (upperBound is not null)
            {
                command.Parameters.Add(Text(command, "@high", upperBound));
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

            if (exception is DbException dbException)
            {
                throw _dialect.Wrap(dbException, "scan", grainType, stateName, keyPrefix);
            }

            throw;
        }
    }

    private async Task<bool> ReadNextAsync(
        DbDataReader reader, string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            throw _dialect.Wrap(exception, "scan", grainType, stateName, keyPrefix);
        }
    }
}
