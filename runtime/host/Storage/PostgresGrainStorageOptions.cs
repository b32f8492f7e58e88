namespace MemOS.Runtime.Storage;

/// <summary>Settings of <see cref="PostgresGrainStorage"/>.</summary>
public sealed class PostgresGrainStorageOptions
{
    /// <summary>The Npgsql connection string, e.g.
    /// <c>Host=db;Port=5432;Database=memos;Username=memos;Password=...</c>. Required; no default. The database must
    /// exist; the MemOS tables are created in it on first use. Pool size, timeouts and TLS are set here too (Npgsql's
    /// keywords: <c>Maximum Pool Size</c>, default 100; <c>Timeout</c>, default 15 s to connect; <c>Command Timeout</c>,
    /// default 30 s per statement).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>How long applying the schema migrations at start may take, including the wait for another silo that
    /// is migrating the same database. Default: 2 minutes. Must be positive.</summary>
    public TimeSpan MigrationTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
