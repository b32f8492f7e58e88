namespace MemOS.Silo.Hosting;

/// <summary>Settings of a silo, bound from <c>MemOS:Silo</c>.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Silo";

    /// <summary>The name of the connection string (<c>ConnectionStrings:MemOS</c>, or the environment variable
    /// <c>ConnectionStrings__MemOS</c>) of the PostgreSQL database holding grain state, an Npgsql connection string
    /// such as <c>Host=db;Port=5432;Database=memos;Username=memos;Password=...</c>. When it is set, the silo stores
    /// grain state there (the schema is created or migrated at start) and <see cref="DataDirectory"/> is not used;
    /// when it is absent, the silo uses embedded SQLite.</summary>
    public const string ConnectionStringName = "MemOS";

    /// <summary>The folder holding the embedded SQLite database (<c>memos.db</c>); created if missing. Unused when the
    /// <see cref="ConnectionStringName"/> connection string is set. Default: <c>memos-data</c> under the current
    /// directory.</summary>
    public string DataDirectory { get; set; } = "memos-data";

    /// <summary>The largest request body accepted, in bytes; larger ones get 413. Default: 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a grain activation may stay idle before it is deactivated. Default: 15 minutes.</summary>
    public TimeSpan GrainIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
}
