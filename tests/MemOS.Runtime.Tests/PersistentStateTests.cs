using System.Text.Json;
using MemOS.Runtime.Storage;
using MemOS.Runtime.Tests.Grains;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Runtime.Tests;

public sealed class PersistentStateTests
{
    private static readonly GrainStateSerializer Serializer = new(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteState_TwoStatesReadAtSameEtag_SecondThrowsAndFirstValueIsStored()
    {
        var storage = new InMemoryGrainStorage();
        var a = new PersistentState<CounterState>(storage, Serializer, "counter", "k", "counter");
        var b = new PersistentState<CounterState>(storage, Serializer, "counter", "k", "counter");
        await a.ReadStateAsync(Ct);
        await b.ReadStateAsync(Ct);
        Assert.False(a.RecordExists);

        a.State.Value = 1;
        await a.WriteStateAsync(Ct);
        b.State.Value = 2;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => b.WriteStateAsync(Ct));

        Assert.Equal(a.Etag, error.StoredEtag);
        var fresh = new PersistentState<CounterState>(storage, Serializer, "counter", "k", "counter");
        await fresh.ReadStateAsync(Ct);
        Assert.Equal(1, fresh.State.Value);
        Assert.True(fresh.RecordExists);
    }

    [Fact]
    public async Task ClearState_ResetsStateAndEtag()
    {
        var storage = new InMemoryGrainStorage();
        var state = new PersistentState<CounterState>(storage, Serializer, "counter", "k", "counter");
        state.State.Value = 9;
        await state.WriteStateAsync(Ct);

        await state.ClearStateAsync(Ct);

        Assert.Equal(0, state.State.Value);
        Assert.Null(state.Etag);
        Assert.Null(await storage.ReadAsync("counter", "counter", "k", Ct));
    }

    [Fact]
    public async Task ReadState_PayloadNotMatchingType_ThrowsGrainStorageException()
    {
        var storage = new InMemoryGrainStorage();
        await storage.WriteAsync("counter", "counter", "k", """{"value":"not a number"}"""u8.ToArray(), null, Ct);
        var state = new PersistentState<CounterState>(storage, Serializer, "counter", "k", "counter");

        var error = await Assert.ThrowsAsync<GrainStorageException>(() => state.ReadStateAsync(Ct));

        Assert.IsType<JsonException>(error.InnerException);
    }

    [Fact]
    public async Task StateQuery_ScanByPrefix_ReturnsDeserializedStatesInKeyOrder()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        await silo.Grain<ICounterGrain>("tenant1/b").AddAsync(2).Within();
        await silo.Grain<ICounterGrain>("tenant1/a").AddAsync(1).Within();
        await silo.Grain<ICounterGrain>("tenant2/a").AddAsync(3).Within();

        var query = silo.Services.GetRequiredService<IGrainStateQuery>();
        var found = new List<StoredGrainState<CounterState>>();
        await foreach (var item in query.ScanAsync<CounterState>("counter", "counter", "tenant1/", Ct))
        {
            found.Add(item);
        }

        Assert.Equal(["tenant1/a", "tenant1/b"], found.Select(static f => f.GrainKey));
        Assert.Equal([1, 2], found.Select(static f => f.State.Value));
        Assert.Equal(await silo.Grain<ICounterGrain>("tenant1/a").GetEtagAsync().Within(), found[0].Etag);
    }
}
