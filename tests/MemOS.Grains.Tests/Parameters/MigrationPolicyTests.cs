using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Grains.Parameters;
using MemOS.Grains.Tests.Activation;

namespace MemOS.Grains.Tests.Parameters;

/// <summary>The plaintext-to-parameter migration policy on the fake clock: memories retrieved often enough and unchanged
/// long enough are queued as one adapter (the most accessed, up to the cap); memories already in an adapter are not
/// queued again; a change to a source makes the adapter stale.</summary>
public sealed class MigrationPolicyTests : ActivationTestBase
{
    protected override void ConfigureParameters(ParameterOptions options)
    {
        options.AutoMigrate = true;
        options.MinAccessCount = 2;
        options.StableFor = TimeSpan.FromMinutes(30);
        options.MinMemories = 2;
        options.MaxMemoriesPerAdapter = 2;
        options.Steps = 3;
        options.Rank = 2;
    }

    [Fact]
    public async Task OftenRetrievedStableMemories_AreQueuedAsOneAdapter_AndAChangeMakesItStale()
    {
        // Two chats retrieve the memories twice each, but they were written just now: frequent, not stable.
        var first = await ChatAsync();
        Host.Time.Advance(TimeSpan.FromMinutes(1));
        await ChatAsync();
        Assert.True(first.Memories.Count >= 2, $"the chat should retrieve at least two memories, got {first.Memories.Count}");
        Assert.Empty(await Scheduler.GetParametersAsync(Cancel));

        // 30 minutes after they were written, the next chat finds them stable: the two most accessed are queued.
        Host.Time.Advance(TimeSpan.FromMinutes(29));
        var third = await ChatAsync();
        var parameter = Assert.Single(await Scheduler.GetParametersAsync(Cancel));
        Assert.Equal(ParameterOrigins.Policy, parameter.Origin);
        Assert.Equal(2, parameter.Sources.Count);
        Assert.All(parameter.Sources, s => Assert.Contains(s.Id, first.Memories.Select(m => m.Id)));
        Assert.Equal(parameter.Sources.OrderBy(s => s.Id, StringComparer.Ordinal), parameter.Sources);
        Assert.StartsWith(ParameterIds.Prefix, parameter.Id, StringComparison.Ordinal);
        Assert.Equal(FakeGenerationEngine.ModelSha256, parameter.BaseModelSha256);
        Assert.Equal((2, 3), (parameter.Rank, parameter.Steps));
        Assert.Empty(third.Adapters!); // not Ready (the fake model cannot be trained on)

        // Further chats never queue the same memories again.
        await ChatAsync();
        var all = await Scheduler.GetParametersAsync(Cancel);
        var sources = all.SelectMany(p => p.Sources.Select(s => s.Id)).ToList();
        Assert.Equal(sources.Distinct().Count(), sources.Count);

        var edited = Memories.Single(m => m.Id == parameter.Sources[0].Id);
        var updated = await Scheduler.UpdateMemoryAsync(edited.Id, new MemoryUpdate(Tags: ["edited"]), edited.Version, Cancel);
        var stale = (await Scheduler.GetParametersAsync(Cancel)).Single(p => p.Id == parameter.Id);
        Assert.Equal(ParameterState.Stale, stale.State);
        Assert.Equal($"memory {edited.Id} changed to version {updated.Version}", stale.Reason);
        Assert.Null(stale.AdapterPath);
    }

    [Fact]
    public async Task TheFakeModel_CannotBeTrained_SoTheWorkerMarksTheCubeFailedWithTheReason()
    {
        var record = await Scheduler.ParameterizeAsync([Memories[0].Id], rank: 2, steps: 2, Cancel);
        Assert.Equal(ParameterOrigins.Request, record.Origin);
        var failed = await WaitForParameterAsync(record.Id, ParameterState.Failed);
        Assert.False(string.IsNullOrWhiteSpace(failed.Reason));

        // Asked again, a failed cube trains again (back to Pending).
        var again = await Scheduler.ParameterizeAsync([Memories[0].Id], rank: 2, steps: 2, Cancel);
        Assert.Equal(record.Id, again.Id);
        Assert.NotEqual(ParameterState.Ready, again.State);
    }

    [Fact]
    public async Task ParameterCubes_AreKnownAfterTheSchedulerWasDeactivated_AndErasingASourceMakesThemStale()
    {
        var record = await Scheduler.ParameterizeAsync([Memories[0].Id, Memories[1].Id], rank: 2, steps: 2, Cancel);
        await WaitForParameterAsync(record.Id, ParameterState.Failed); // the fake model cannot be trained on
        await Host.DeactivateIdleAsync();

        Assert.Equal(record.Id, Assert.Single(await Scheduler.GetParametersAsync(Cancel)).Id);
        await Scheduler.DeleteMemoryAsync(Memories[1].Id, null, Cancel);
        var stale = Assert.Single(await Scheduler.GetParametersAsync(Cancel));
        Assert.Equal(ParameterState.Stale, stale.State);
        Assert.Equal($"memory {Memories[1].Id} was erased", stale.Reason);
    }

    [Fact]
    public async Task Parameterize_BadArguments_Throw()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Scheduler.ParameterizeAsync([], null, null, Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => Scheduler.ParameterizeAsync([Memories[0].Id, Memories[0].Id], null, null, Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Scheduler.ParameterizeAsync([Memories[0].Id, Memories[1].Id, Memories[2].Id], null, null, Cancel)); // over the cap of 2
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Scheduler.ParameterizeAsync([Memories[0].Id], 0, null, Cancel));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Scheduler.ParameterizeAsync([Memories[0].Id], null, 0, Cancel));
    }

    private async Task<ParameterRecord> WaitForParameterAsync(string id, ParameterState state)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var now = (await Scheduler.GetParametersAsync(Cancel)).Single(p => p.Id == id);
            if (now.State == state)
            {
                return now;
            }

            Assert.True(waited.Elapsed < Eventually.DefaultTimeout, $"parameter {id} stayed {now.State}, never {state}");
            await Task.Delay(5, Cancel);
        }
    }
}

/// <summary>With the default options nothing migrates on its own, however often memories are retrieved.</summary>
public sealed class MigrationPolicyOffTests : ActivationTestBase
{
    [Fact]
    public async Task ByDefault_NoAdapterIsQueued()
    {
        for (var i = 0; i < 8; i++)
        {
            await ChatAsync();
            Host.Time.Advance(TimeSpan.FromDays(1));
        }

        Assert.Empty(await Scheduler.GetParametersAsync(Cancel));
    }
}
