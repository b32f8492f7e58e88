namespace MemOS.Testing;

/// <summary>
/// A database of its own on the shared <see cref="PostgresServer"/> for one test class (use it as a class fixture), so
/// that classes run in parallel without seeing each other's rows; dropped after the class. Where no server can be
/// started, <see cref="ConnectionString"/> skips the test that asks for it, giving the reason.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly List<string> _extraDatabases = [];
    private PostgresServer? _server;
    private string? _name;
    private string? _connectionString;
    private string? _skipReason;

    /// <summary>Whether the database exists (false: a server could not be started, and the tests skip).</summary>
    public bool IsAvailable => _connectionString is not null;

    /// <summary>The server the database lives on; skips the test when there is none.</summary>
    public PostgresServer Server => Require(_server);

    /// <summary>The connection string of the class's database; skips the test when there is no server.</summary>
    public string ConnectionString => Require(_connectionString);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        try
        {
            _server = await PostgresServer.SharedAsync();
            (_name, _connectionString) = await _server.CreateDatabaseAsync();
        }
        catch (PostgresUnavailableException e)
        {
            _skipReason = "PostgreSQL is unavailable: " + e.Message;
        }
    }

    /// <summary>Creates one more database (for a test that needs an empty one of its own); dropped with the class's.</summary>
    /// <returns>Its connection string.</returns>
    public async Task<string> CreateDatabaseAsync()
    {
        var (name, connectionString) = await Server.CreateDatabaseAsync();
        lock (_extraDatabases)
        {
            _extraDatabases.Add(name);
        }

        return connectionString;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is null || _name is null)
        {
            return;
        }

        foreach (var name in _extraDatabases.Append(_name))
        {
            await _server.DropDatabaseAsync(name);
        }
    }

    private T Require<T>(T? value)
        where T : class
    {
        if (value is null)
        {
            Assert.Skip(_skipReason ?? "The PostgreSQL test database is not initialized.");
        }

        return value;
    }
}
