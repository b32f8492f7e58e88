using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Tests.Activation;

/// <summary>The MemScheduler's batching window of KV-precompute requests, on the fake clock: sent when it holds
/// <see cref="ActivationOptions.BatchSize"/> requests, or <see cref="ActivationOptions.BatchWindow"/> after the first
/// of them, whichever comes first; and the worker decodes a batch in one precompute call.</summary>
public sealed class BatchingWindowTests : ActivationTestBase
{
    protected override void Configure(ActivationOptions options)
    {
        base.Configure(options);
        options.BatchSize = 3;
        options.BatchWindow = TimeSpan.FromMilliseconds(200);
    }

    [Fact]
    public async Task AFullWindow_IsSentAtOnce_AsOneBatch()
    {
        foreach (var memory in Memories.Take(3))
        {
            await Scheduler.ActivateAsync([memory.Id], Cancel); // the clock does not move
        }

        await Engine.WaitForPrecomputeAsync();
        var batch = Assert.Single(Engine.Precomputes);
        Assert.Equal(Memories.Take(3).Select(m => m.Text), batch.Select(b => b.Text[(b.Text.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
        foreach (var activation in await Scheduler.GetActivationsAsync(Cancel))
        {
            await WaitForStateAsync(activation.Id, ActivationState.Ready);
        }

        Assert.Single(Engine.Precomputes);
    }

    [Fact]
    public async Task AWindowThatDoesNotFill_IsSentWhenItsTimeIsUp_CountedFromItsFirstRequest()
    {
        var first = await Scheduler.ActivateAsync([Memories[0].Id], Cancel);
        Host.Time.Advance(TimeSpan.FromMilliseconds(150));
        var second = await Scheduler.ActivateAsync([Memories[1].Id], Cancel);
        Host.Time.Advance(TimeSpan.FromMilliseconds(49)); // 199 ms after the first request
        await SettleAsync();
        Assert.Empty(Engine.Precomputes);

        Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Engine.WaitForPrecomputeAsync();
        Assert.Equal([first.CacheKey, second.CacheKey], Assert.Single(Engine.Precomputes).Select(b => b.Key.Id));
        await WaitForStateAsync(second.Id, ActivationState.Ready);

        // The next request opens a new window.
        var third = await Scheduler.ActivateAsync([Memories[2].Id], Cancel);
        Host.Time.Advance(TimeSpan.FromMilliseconds(199));
        await SettleAsync();
        Assert.Single(Engine.Precomputes);
        Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Engine.WaitForPrecomputeAsync();
        Assert.Equal([third.CacheKey], Engine.Precomputes.Last().Select(b => b.Key.Id));
    }

    /// <summary>Lets every turn already due run: the scheduler's window timer (a call queues behind its tick), then the
    /// worker's drain (likewise), so that a batch sent by then has reached the engine.</summary>
    private async Task SettleAsync()
    {
        await Scheduler.GetActivationsAsync(Cancel);
        await Host.Grains.GetGrain<IKvPrecomputeWorkerGrain>(IKvPrecomputeWorkerGrain.LocalKey).DrainAsync(Cancel);
    }

    [Fact]
    public async Task Worker_DecodesWhatItIsSentInOnePrecompute_AndFailsARequestWhoseBlockGivesAnotherKey()
    {
        var requested = new List<ActivationRecord>();
        foreach (var memory in Memories.Take(2))
        {
            requested.Add(await Scheduler.ActivateAsync([memory.Id], Cancel)); // queued: the window stays open
        }

        var space = MemCubeKeys.PrivateSpace(User);
        var contexts = Memories.Take(2)
            .Select(m => MemoryRendering.RenderGroupedContext([new ContextEntry(m.ValidFrom, m.Provenance.Speaker, m.Text)])).ToList();
        Assert.Equal(requested[0].CacheKey, Engine.PrepareBlock(contexts[0]).Key.Id);
        var worker = Host.Grains.GetGrain<IKvPrecomputeWorkerGrain>(IKvPrecomputeWorkerGrain.LocalKey);

        await worker.EnqueueAsync(
        [
            new KvPrecomputeRequest(MemCubeKeys.Cube("t1", space, requested[0].Id), contexts[0], requested[0].CacheKey),
            new KvPrecomputeRequest(MemCubeKeys.Cube("t1", space, requested[1].Id), contexts[1], "0000"),
        ], Cancel);

        await Engine.WaitForPrecomputeAsync();
        Assert.Equal([contexts[0]], Assert.Single(Engine.Precomputes).Select(b => b.Text));
        await WaitForStateAsync(requested[0].Id, ActivationState.Ready);
        var failed = await WaitForStateAsync(requested[1].Id, ActivationState.Failed);
        Assert.Contains("another KV cache key", failed.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => worker.EnqueueAsync([], Cancel));
    }
}
