using MemOS.Runtime.Storage;
using MemOS.Runtime.Tests.Grains;
using MemOS.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Runtime.Tests;

public sealed class ActivationLifecycleTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CollectIdleActivations_BeforeIdleTimeout_KeepsActivation()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database, o => o.IdleTimeout = IdleTimeout);
        await silo.Grain<ICounterGrain>("k").AddAsync(1).Within();

        silo.Time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));

        Assert.Equal(0, await silo.Runtime.CollectIdleActivationsAsync(Ct).Within());
        Assert.Equal(1, silo.Runtime.ActivationCount);
        Assert.DoesNotContain(silo.Probe.Events, e => e.StartsWith("deactivate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectIdleActivations_AfterIdleTimeout_DeactivatesAndNextCallRereadsStorage()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database, o => o.IdleTimeout = IdleTimeout);
        var grain = silo.Grain<ICounterGrain>("k");
        await grain.AddAsync(5).Within();

        silo.Time.Advance(IdleTimeout);
        Assert.Equal(1, await silo.Runtime.CollectIdleActivationsAsync(Ct).Within());
        Assert.Equal(0, silo.Runtime.ActivationCount);

        // Changed behind the grain's back: only a fresh read from storage can see 42.
        var storage = silo.Services.GetRequiredService<IGrainStorage>();
        var stored = await storage.ReadAsync("counter", "counter", "k", Ct);
        await storage.WriteAsync("counter", "counter", "k", """{"value":42}"""u8.ToArray(), stored!.Etag, Ct);

        Assert.Equal(42, await grain.GetAsync().Within());
        Assert.Equal(["activate k 0", "deactivate k IdleTimeout", "activate k 42"], silo.Probe.Events);
    }

    [Fact]
    public async Task CollectIdleActivations_CallCompletedRecently_ResetsIdleness()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database, o => o.IdleTimeout = IdleTimeout);
        var grain = silo.Grain<ICounterGrain>("k");
        await grain.AddAsync(1).Within();
        silo.Time.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        await grain.GetAsync().Within();

        silo.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(0, await silo.Runtime.CollectIdleActivationsAsync(Ct).Within());
    }

    [Fact]
    public async Task IdleCollector_AfterStart_DeactivatesIdleActivationsOnItsInterval()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database, o =>
        {
            o.IdleTimeout = IdleTimeout;
            o.CollectionInterval = TimeSpan.FromMinutes(1);
        });
        await silo.Grain<ICounterGrain>("k").AddAsync(1).Within();

        silo.Time.Advance(IdleTimeout + TimeSpan.FromMinutes(1));

        await Eventually.TrueAsync(() => silo.Runtime.ActivationCount == 0, "the idle collector deactivates the grain");
        Assert.Contains("deactivate k IdleTimeout", silo.Probe.Events);
    }

    [Fact]
    public async Task DeactivateOnIdle_CalledInATurn_DeactivatesAfterTheTurnAndNextCallGetsFreshActivation()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ICounterGrain>("k");
        await grain.AddAsync(3).Within();
        var first = await grain.GetInstanceIdAsync().Within();

        await grain.DeactivateAsync().Within();
        var second = await grain.GetInstanceIdAsync().Within();

        Assert.NotEqual(first, second);
        Assert.Equal(3, await grain.GetAsync().Within());
        Assert.Equal(["activate k 0", "deactivate k ApplicationRequested", "activate k 3"], silo.Probe.Events);
    }

    [Fact]
    public async Task Call_ArrivingWhileDeactivating_WaitsAndGoesToFreshActivation()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ISlowDeactivationGrain>("s");
        var first = await grain.PingAsync().Within();

        var deactivation = silo.Runtime.DeactivateAllAsync(DeactivationReason.ApplicationRequested, Ct);
        Guid second;
        try
        {
            await silo.Probe.Signal("deactivating s").Task.Within();
            var call = grain.PingAsync();

            // Activations are created (and logged) synchronously inside the call, so a second one would show by now.
            Assert.Single(silo.Logs.Entries, static e => e.EventId.Id == 1000 && e.Message.EndsWith("/s", StringComparison.Ordinal));
            Assert.False(call.IsCompleted);

            silo.Probe.Signal("deactivate s").TrySetResult();
            second = await call.Within();
            await deactivation.Within();
        }
        finally
        {
            // Also on failure, or disposing the silo would wait for this deactivation forever.
            silo.Probe.Signal("deactivate s").TrySetResult();
        }

        Assert.NotEqual(first, second);
        Assert.Equal([$"activated {first}", $"deactivated {first}", $"activated {second}"], silo.Probe.Events);
        Assert.Equal(1, silo.Probe.Tracker("instances s").Max);
        Assert.Equal(1, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task OnActivateAsync_Throwing_FailsTriggeringAndQueuedCallsAndDiscardsActivation()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        silo.Probe.FailNextActivations("x", 1);
        var grain = silo.Grain<IFlakyActivationGrain>("x");

        // The activation is parked in OnActivateAsync, so all three calls queue behind it.
        var calls = Enumerable.Range(0, 3).Select(_ => grain.PingAsync()).ToArray();
        silo.Probe.Signal("activate x").TrySetResult();

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call.Within());
            Assert.Equal("activation failed on purpose", error.Message);
        }

        Assert.Equal(0, silo.Runtime.ActivationCount);
        Assert.Contains(silo.Logs.Entries, e => e.EventId.Id == 1002 && e.Exception?.Message == "activation failed on purpose");

        Assert.Equal("pong", await grain.PingAsync().Within());
        Assert.Equal(["activated x"], silo.Probe.Events);
    }

    [Fact]
    public async Task StopAsync_WithLiveActivations_DeactivatesAllAndPersists()
    {
        using var database = new TempDatabase();
        var probe = new GrainProbe();
        await using (var silo = await TestSilo.StartAsync(database, probe: probe))
        {
            await silo.Grain<ICounterGrain>("a").SetUnsavedAsync(7).Within();
            await silo.Grain<ICounterGrain>("b").SetUnsavedAsync(8).Within();

            await silo.Runtime.StopAsync(Ct).Within();

            Assert.Equal(0, silo.Runtime.ActivationCount);
            Assert.Contains("deactivate a ShuttingDown", probe.Events);
            Assert.Contains("deactivate b ShuttingDown", probe.Events);
            await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Grain<ICounterGrain>("c").GetAsync().Within());
        }

        await using var restarted = await TestSilo.StartAsync(database);
        Assert.Equal(7, await restarted.Grain<ICounterGrain>("a").GetAsync().Within());
        Assert.Equal(8, await restarted.Grain<ICounterGrain>("b").GetAsync().Within());
    }

    [Fact]
    public async Task PersistentState_WrittenFromTwoSilosFromTheSameEtag_SecondWriterGetsInconsistentState()
    {
        using var database = new TempDatabase();
        await using var first = await TestSilo.StartAsync(database);
        await using var second = await TestSilo.StartAsync(database);
        await first.Grain<ICounterGrain>("shared").AddAsync(1).Within();

        // Both activations now hold the same ETag; the first to write wins.
        await second.Grain<ICounterGrain>("shared").GetAsync().Within();
        Assert.Equal(2, await first.Grain<ICounterGrain>("shared").AddAsync(1).Within());
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => second.Grain<ICounterGrain>("shared").AddAsync(100).Within());

        Assert.Equal(await first.Grain<ICounterGrain>("shared").GetEtagAsync().Within(), error.StoredEtag);
        Assert.NotEqual(error.StoredEtag, error.CurrentEtag);
        await using var reader = await TestSilo.StartAsync(database);
        Assert.Equal(2, await reader.Grain<ICounterGrain>("shared").GetAsync().Within());
    }

    [Fact]
    public async Task PersistentState_ClearThenWriteAgain_StartsFromANewRecord()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ICounterGrain>("c");
        await grain.AddAsync(4).Within();
        var before = await grain.GetEtagAsync().Within();

        await grain.ClearAsync().Within();
        Assert.Null(await grain.GetEtagAsync().Within());
        Assert.Equal(0, await grain.GetAsync().Within());
        Assert.Equal(1, await grain.AddAsync(1).Within());

        Assert.NotEqual(before, await grain.GetEtagAsync().Within());
    }
}
