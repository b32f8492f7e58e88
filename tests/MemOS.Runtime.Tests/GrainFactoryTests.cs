using MemOS.Runtime.Hosting;
using MemOS.Runtime.Storage;
using MemOS.Runtime.Tests.Grains;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime.Tests;

public sealed class GrainFactoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetGrain_EmptyKey_ThrowsArgumentException()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        Assert.Throws<ArgumentException>("key", () => silo.Grain<ICounterGrain>(string.Empty));
    }

    [Fact]
    public async Task GetGrain_NullKey_ThrowsArgumentNullException()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        Assert.Throws<ArgumentNullException>("key", () => silo.Grain<ICounterGrain>(null!));
    }

    [Fact]
    public async Task GetGrain_KeyLongerThan512_ThrowsArgumentException()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        Assert.Throws<ArgumentException>("key", () => silo.Grain<ICounterGrain>(new string('k', 513)));
    }

    [Fact]
    public async Task GetGrain_LoneSurrogateInKey_ThrowsArgumentException()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        Assert.Throws<ArgumentException>("key", () => silo.Grain<ICounterGrain>("a\uD800b"));
    }

    [Fact]
    public async Task GetGrain_KeyOf512Characters_WorksAndPersistsUnderThatKey()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var key = new string('k', 511) + "\u00e9";

        await silo.Grain<ICounterGrain>(key).AddAsync(2).Within();

        var stored = await silo.Services.GetRequiredService<IGrainStorage>().ReadAsync("counter", "counter", key, Ct);
        Assert.NotNull(stored);
    }

    [Fact]
    public async Task GetGrain_UnregisteredInterface_ThrowsInvalidOperationNamingIt()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        var error = Assert.Throws<InvalidOperationException>(() => silo.Grain<IUnregisteredGrain>("k"));

        Assert.Contains(nameof(IUnregisteredGrain), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetGrain_InterfaceWithSynchronousMethod_ThrowsInvalidOperationNamingTheMethod()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        var error = Assert.Throws<InvalidOperationException>(() => silo.Grain<INotAsyncGrain>("k"));

        Assert.Contains(nameof(INotAsyncGrain.Compute), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task GetGrain_InterfaceWithTwoImplementations_ThrowsInvalidOperation()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        var error = Assert.Throws<InvalidOperationException>(() => silo.Grain<IDuplicateGrain>("k"));

        Assert.Contains(nameof(DuplicateOneGrain), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DuplicateTwoGrain), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainType_FromAttributeOrClassName_IsWhatTheGrainSees()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        Assert.Equal("custom-named", await silo.Grain<INamedGrain>("k").GetGrainTypeAsync().Within());
        await silo.Grain<ICounterGrain>("k").AddAsync(1).Within();
        Assert.NotNull(await silo.Services.GetRequiredService<IGrainStorage>().ReadAsync("counter", "counter", "k", Ct));
    }

    [Fact]
    public async Task GrainReference_ToString_NamesInterfaceAndGrain()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        Assert.Equal("ICounterGrain(counter/k)", silo.Grain<ICounterGrain>("k").ToString());
    }

    [Fact]
    public async Task AddGrain_SinglePair_RegistersOnlyThatInterface()
    {
        await using var services = new ServiceCollection()
            .AddMemOSGrainRuntime()
            .UseInMemoryGrainStorage()
            .AddGrain<ICounterGrain, CounterGrain>()
            .AddSingleton(new GrainProbe())
            .BuildServiceProvider();
        var factory = services.GetRequiredService<IGrainFactory>();

        Assert.Equal(3, await factory.GetGrain<ICounterGrain>("k").AddAsync(3).Within());
        Assert.Throws<InvalidOperationException>(() => factory.GetGrain<ISequenceGrain>("k"));
        Assert.Same(services.GetRequiredService<GrainRuntime>(), factory);
    }

    [Fact]
    public void AddGrain_MarkerInterfaceItself_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGrain<IGrainWithStringKey, FaultyGrain>());
    }

    [Fact]
    public async Task GetGrain_PersistentStateWithoutStorage_ThrowsInvalidOperation()
    {
        await using var services = new ServiceCollection()
            .AddMemOSGrainRuntime()
            .AddGrain<ICounterGrain, CounterGrain>()
            .BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("k"));

        Assert.Contains("storage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_NonPositiveIdleTimeout_FailValidationNamingTheField()
    {
        await using var services = new ServiceCollection()
            .AddMemOSGrainRuntime(o => o.IdleTimeout = TimeSpan.Zero)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<GrainRuntime>());

        Assert.Contains(nameof(GrainRuntimeOptions.IdleTimeout), error.Message, StringComparison.Ordinal);
    }
}
