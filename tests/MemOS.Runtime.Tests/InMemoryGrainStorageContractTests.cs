using MemOS.Runtime.Storage;

namespace MemOS.Runtime.Tests;

public sealed class InMemoryGrainStorageContractTests : GrainStorageContractTests
{
    protected override IGrainStorage Storage { get; } = new InMemoryGrainStorage();
}
