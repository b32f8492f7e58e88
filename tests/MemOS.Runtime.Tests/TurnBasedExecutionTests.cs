using MemOS.Runtime.Tests.Grains;
using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests;

public sealed class TurnBasedExecutionTests
{
    [Fact]
    public async Task Calls_ManyConcurrentToOneGrain_NeverOverlapAndRunInArrivalOrder()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ISequenceGrain>("one");

        // Issued from several threads at once; arrival order is what each thread's enqueue observed.
        const int Callers = 8;
        const int CallsPerCaller = 25;
        var calls = await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(
            () => Enumerable.Range(0, CallsPerCaller).Select(i => grain.RecordAsync((caller * 1000) + i)).ToArray(),
            TestContext.Current.CancellationToken)));
        await Task.WhenAll(calls.SelectMany(static c => c)).Within();

        Assert.Equal(1, silo.Probe.Tracker("turn one").Max);
        var recorded = await grain.GetRecordedAsync().Within();
        Assert.Equal(Callers * CallsPerCaller, recorded.Count);
        for (var caller = 0; caller < Callers; caller++)
        {
            var fromCaller = recorded.Where(s => s / 1000 == caller).ToList();
            Assert.Equal(Enumerable.Range(caller * 1000, CallsPerCaller), fromCaller);
        }
    }

    [Fact]
    public async Task Calls_IssuedInSequenceWithoutAwaiting_RunInIssueOrder()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<ISequenceGrain>("ordered");

        var calls = Enumerable.Range(0, 100).Select(grain.RecordAsync).ToArray();
        await Task.WhenAll(calls).Within();

        Assert.Equal(Enumerable.Range(0, 100), await grain.GetRecordedAsync().Within());
        Assert.Equal(1, silo.Probe.Tracker("turn ordered").Max);
    }

    [Fact]
    public async Task Calls_ToDifferentGrains_RunConcurrently()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var blocked = silo.Grain<IGateGrain>("a").WaitAtGateAsync();
        try
        {
            await silo.Probe.Signal("entered a").Task.Within();

            // Grain b answers while grain a is parked mid-turn.
            Assert.Equal("pong b", await silo.Grain<IGateGrain>("b").PingAsync().Within());
            Assert.False(blocked.IsCompleted);
        }
        finally
        {
            silo.Probe.Signal("gate a").TrySetResult();
        }

        await blocked.Within();
    }

    [Fact]
    public async Task GrainCall_FromInsideAnotherGrainsTurn_Completes()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);

        var result = await silo.Grain<ICallerGrain>("caller").AddToCounterAsync("target", 5).Within();

        Assert.Equal(10, result);
        Assert.Equal(5, await silo.Grain<ICounterGrain>("target").GetAsync().Within());
    }

    [Fact]
    public async Task ValueTaskMethods_WithAndWithoutResult_Complete()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<IValueTaskGrain>("v");

        Assert.Equal(42, await grain.DoubleAsync(21));
        await grain.NoteAsync("first");
        await grain.NoteAsync("second");

        Assert.Equal(["first", "second"], await grain.GetNotesAsync().Within());
    }

    [Fact]
    public async Task GrainMethod_ThrowingAsynchronously_FaultsOnlyThatCallAndActivationSurvives()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<IFaultyGrain>("f");
        var before = await grain.GetInstanceIdAsync().Within();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowAsync("boom").Within());

        Assert.Equal("boom", error.Message);
        Assert.Equal(before, await grain.GetInstanceIdAsync().Within());
        Assert.Equal(1, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task GrainMethod_ThrowingBeforeReturningATask_FaultsOnlyThatCall()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var grain = silo.Grain<IFaultyGrain>("sync");
        var before = await grain.GetInstanceIdAsync().Within();

        // The proxy returns a faulted task rather than throwing from the call site.
        var call = grain.ThrowSynchronouslyAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => call.Within());

        Assert.Equal("thrown synchronously", error.Message);
        Assert.Equal(before, await grain.GetInstanceIdAsync().Within());
    }

    [Fact]
    public async Task GrainMethod_ThrowingOperationCanceled_CancelsTheCallersTask()
    {
        using var database = new TempDatabase();
        await using var silo = await TestSilo.StartAsync(database);
        var call = silo.Grain<IFaultyGrain>("c").CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Within());

        Assert.True(call.IsCanceled);
    }
}
