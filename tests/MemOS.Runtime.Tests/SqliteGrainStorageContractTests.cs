using MemOS.Runtime.Storage;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Tests;

public sealed class SqliteGrainStorageContractTests : GrainStorageContractTests
{
    private readonly TempDatabase _database = new();
    private readonly SqliteGrainStorage _storage;

    public SqliteGrainStorageContractTests()
    {
        _storage = new SqliteGrainStorage(Options.Create(new SqliteGrainStorageOptions { ConnectionString = _database.ConnectionString }));
    }

    protected override IGrainStorage Storage => _storage;

    public override void Dispose()
    {
        _storage.Dispose();
        _database.Dispose();
        base.Dispose();
    }
}
