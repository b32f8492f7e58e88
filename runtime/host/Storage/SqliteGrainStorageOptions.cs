namespace MemOS.Runtime.Storage;

/// <summary>Settings of <see cref="SqliteGrainStorage"/>.</summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>The Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=/var/lib/memos/grains.db</c>.
    /// Required; no default. The file is created when missing.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>How long a statement waits for another connection's lock before failing with a transient
    /// <see cref="GrainStorageException"/>. Default: 5 seconds. Must be positive.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
