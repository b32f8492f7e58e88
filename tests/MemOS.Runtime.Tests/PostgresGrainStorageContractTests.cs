using MemOS.Runtime.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MemOS.Runtime.Tests;

/// <summary>The storage contract on PostgreSQL: one database for the class (default collation ICU en-US), emptied
/// before each test.</summary>
public sealed class PostgresGrainStorageContractTests(PostgresDatabase database)
    : GrainStorageContractTests, IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private PostgresGrainStorage? _storage;

    protected override IGrainStorage Storage => _storage ?? Skip();

    public async ValueTask InitializeAsync()
    {
        if (!database.IsAvailable)
        {
            return;
        }

        _storage = new PostgresGrainStorage(Options.Create(new PostgresGrainStorageOptions { ConnectionString = database.ConnectionString }));
        await _storage.InitializeAsync(Ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("TRUNCATE memos_grain_state;", connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
            _storage = null;
        }
    }

    public override void Dispose()
    {
        _storage?.Dispose();
        _storage = null;
        base.Dispose();
    }

    private IGrainStorage Skip()
    {
        _ = database.ConnectionString;
        throw new InvalidOperationException("unreachable: the database is available but the storage was not created");
    }
}
