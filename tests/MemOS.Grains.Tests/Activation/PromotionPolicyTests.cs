using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Tests.Activation;

/// <summary>The promotion and demotion policy on the fake clock: a block used often and unchanged for a while is
/// promoted to activation memory; a hot block with a recent change is not; an idle activation is demoted (its cache
/// dropped); and a promotion past the per-user cap demotes the least recently used activation. Each decision is
/// counted.</summary>
public sealed class PromotionPolicyTests : ActivationTestBase
{
    protected override void Configure(ActivationOptions options)
    {
        options.AutoPromote = true;
        options.PromoteMinUses = 3;
        options.UsageWindow = TimeSpan.FromHours(1);
        options.StableFor = TimeSpan.FromMinutes(30);
        options.DemoteAfterIdle = TimeSpan.FromHours(2);
        options.PolicyInterval = TimeSpan.FromMinutes(10);
        options.MaxActivationsPerUser = 2;
        options.BatchSize = 1;
    }

    [Fact]
    public async Task AHotStableBlock_IsPromoted_UsedAsActivation_ThenDemotedWhenIdle()
    {
        // Three uses within the hour, but the memories were written just now: hot, not stable.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(MemoryForms.Plaintext, (await ChatAsync()).Form);
            Host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.RejectedUnstable));
        Assert.Equal(0, Metrics.Decisions(ActivationDecisions.Promoted));
        Assert.Empty(await Scheduler.GetActivationsAsync(Cancel));

        // 31 minutes after the memories were written, the fourth use within the hour promotes the block.
        Host.Time.Advance(TimeSpan.FromMinutes(28));
        var promoting = await ChatAsync();
        Assert.Equal(MemoryForms.Plaintext, promoting.Form);
        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.Promoted));
        var activation = Assert.Single(await Scheduler.GetActivationsAsync(Cancel));
        Assert.Equal(ActivationOrigins.Promotion, activation.Origin);
        Assert.Equal(promoting.ActivationId, activation.Id);
        await Engine.WaitForPrecomputeAsync();
        await WaitForStateAsync(activation.Id, ActivationState.Ready);

        var injected = await ChatAsync();
        Assert.Equal(MemoryForms.Activation, injected.Form);
        Assert.Equal(promoting.Memories.Select(m => m.Id), injected.Memories.Select(m => m.Id));

        // Used at the last chat; 1 h 50 min later it is not idle long enough yet, 2 h later it is.
        Host.Time.Advance(TimeSpan.FromMinutes(110));
        Assert.Equal(ActivationState.Ready, (await Scheduler.GetActivationsAsync(Cancel)).Single().State);
        Host.Time.Advance(TimeSpan.FromMinutes(10));
        var demoted = await WaitForStateAsync(activation.Id, ActivationState.Demoted);
        Assert.StartsWith("no chat used it since", demoted.Reason, StringComparison.Ordinal);
        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.DemotedIdle));
        Assert.Equal([activation.CacheKey], Engine.Dropped);

        // Cold now: the next chat prefills the text, and one use is not enough to promote again.
        Assert.Equal(MemoryForms.Plaintext, (await ChatAsync()).Form);
        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.Promoted));
    }

    [Fact]
    public async Task APromotionPastTheCap_DemotesTheLeastRecentlyUsedActivation()
    {
        Host.Time.Advance(TimeSpan.FromHours(1)); // the memories are stable
        var first = await Scheduler.ActivateAsync([Memories[0].Id], Cancel);
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await Scheduler.ActivateAsync([Memories[1].Id], Cancel);
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        await Scheduler.ActivateAsync([Memories[2].Id], Cancel);

        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.DemotedCapacity));
        var states = (await Scheduler.GetActivationsAsync(Cancel)).ToDictionary(a => a.Id, a => a.State);
        Assert.Equal(ActivationState.Demoted, states[first.Id]);
        Assert.NotEqual(ActivationState.Demoted, states[second.Id]);
        Assert.Equal(3, Metrics.Decisions(ActivationDecisions.Requested));
    }

    [Fact]
    public async Task AHotBlock_WhoseMemoryChanged_IsNotPromotedUntilItIsStableAgain()
    {
        Host.Time.Advance(TimeSpan.FromHours(1));
        var first = await ChatAsync();
        var edited = first.Memories[0];
        await Scheduler.UpdateMemoryAsync(edited.Id, new MemoryUpdate(Tags: ["x"]), edited.Version, Cancel);
        for (var i = 0; i < 3; i++)
        {
            await ChatAsync(); // the edited block: a new version, hence another block
        }

        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.RejectedUnstable));
        Host.Time.Advance(TimeSpan.FromMinutes(31));
        await ChatAsync();
        Assert.Equal(1, Metrics.Decisions(ActivationDecisions.Promoted));
        var activation = Assert.Single(await Scheduler.GetActivationsAsync(Cancel));
        Assert.Contains(activation.Sources, s => s.Id == edited.Id && s.Version == edited.Version + 1);
    }
}
