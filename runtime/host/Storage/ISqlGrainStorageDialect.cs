using System.Data.Common;

namespace MemOS.Runtime.Storage;

/// <summary>What one SQL database supplies for <see cref="SqlGrainStateTable"/> to run the grain storage operations
/// on it: connections, schema migration, the parameter types of payloads and times, and the error mapping.</summary>
internal interface ISqlGrainStorageDialect
{
    /// <summary>The grain state table: a constant of the provider, never input. Its columns are grain_type,
    /// state_name, grain_key (primary key in code point order), payload, etag and updated_at.</summary>
    string Table { get; }

    /// <summary>A <c>WHERE</c> term over <c>@low</c> that keeps a prefix scan without an upper bound exact in SQL, so
    /// that the server does not stream keys past the prefix; empty where stopping at the first such key suffices.</summary>
    string OpenEndedPrefixFilter { get; }

    /// <summary>Whether text columns can hold U+0000 (PostgreSQL's cannot).</summary>
    bool TextAllowsNul { get; }

    /// <summary>Opens a connection, ready for statements.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The open connection; the caller disposes it.</returns>
    /// <exception cref="DbException">The database could not be opened.</exception>
    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Creates or migrates the schema (called once, serialized, until it succeeds).</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="DbException">The database failed.</exception>
    /// <exception cref="GrainStorageException">The schema is newer than this build.</exception>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>The parameter carrying a serialized state.</summary>
    /// <param name="name">The parameter name, with its <c>@</c>.</param>
    /// <param name="payload">The bytes.</param>
    /// <returns>The parameter.</returns>
    DbParameter CreatePayloadParameter(string name, ReadOnlyMemory<byte> payload);

    /// <summary>The parameter carrying <c>updated_at</c>.</summary>
    /// <param name="name">The parameter name, with its <c>@</c>.</param>
    /// <param name="value">The time.</param>
    /// <returns>The parameter.</returns>
    DbParameter CreateTimestampParameter(string name, DateTimeOffset value);

    /// <summary>Logs a database failure and wraps it.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="operation">initialize, read, write, clear or scan.</param>
    /// <param name="grainType">The grain type (empty for initialize).</param>
    /// <param name="stateName">The state name (empty for initialize).</param>
    /// <param name="grainKey">The grain key, or the prefix of a scan (empty for initialize).</param>
    /// <returns>The exception to throw, transient where a retry may succeed.</returns>
    GrainStorageException Wrap(DbException exception, string operation, string grainType, string stateName, string grainKey);
}
