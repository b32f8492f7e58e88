using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Testing;

namespace MemOS.Grains.Tests.Scheduling;

/// <summary>Fusion of near-duplicates (MemOperator): a repeated fact of the same speaker and day is fused into the
/// older memory, which keeps the union of provenance; the newcomer becomes Merged. Other days, other speakers and
/// merely similar sentences stay apart.</summary>
public sealed class FusionTests : GrainTestBase
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IMemSchedulerGrain Scheduler => Host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "sam"));

    [Fact]
    public async Task RepeatedFact_IsFusedIntoTheOlderMemory_KeepingEveryProvenance()
    {
        var first = (await Scheduler.AddMessagesAsync("c1", [new("m1", "Ana", "Ana keeps three beehives on the roof of her flat.", May8)], Ct)).Memories[0];
        var again = (await Scheduler.AddMessagesAsync("c2", [new("x7", "Ana", "Ana keeps three beehives on the roof of her flat!", May8.AddHours(3))], Ct)).Memories[0];

        Assert.False(again.Created);
        Assert.Equal(first.Memory.Id, again.Memory.Id);
        var survivor = await Scheduler.GetMemoryAsync(first.Memory.Id, Ct);
        var source = Assert.Single(survivor.FusedFrom!);
        Assert.Equal("c2", source.Provenance.ConversationId);
        Assert.Equal(["x7"], source.Provenance.MessageIds);
        Assert.Equal(["m1"], survivor.Provenance.MessageIds);

        // The newcomer is Merged, points at the survivor, and is not found on its own.
        var mergedHistory = await Scheduler.GetHistoryAsync(source.CubeId, Ct);
        Assert.Equal(MemCubeLifecycle.Merged, mergedHistory.Versions[^1].State);
        Assert.Equal($"merged_into_{first.Memory.Id}", mergedHistory.Versions[^1].Change);
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Scheduler.GetMemoryAsync(source.CubeId, Ct));
        var hits = (await Scheduler.SearchAsync(new MemorySearchQuery("beehives on the roof", 10, null), Ct)).Hits;
        Assert.Equal([first.Memory.Id], hits.Select(static h => h.Id));
        Assert.Equal($"fused_from_{source.CubeId}", (await Scheduler.GetHistoryAsync(first.Memory.Id, Ct)).Versions[^1].Change);

        // A repeat of the merged message is recognised (answered with the survivor), also after reactivation.
        await Host.DeactivateIdleAsync();
        var repeat = (await Scheduler.AddMessagesAsync("c2", [new("x7", "Ana", "Ana keeps three beehives on the roof of her flat!", May8.AddHours(3))], Ct)).Memories[0];
        Assert.Equal((first.Memory.Id, false), (repeat.Memory.Id, repeat.Created));
    }

    [Theory]
    [InlineData("Ana keeps three beehives on the roof of her flat.", "Ben", 0)] // another speaker
    [InlineData("Ana keeps three beehives on the roof of her flat.", "Ana", 1)] // another day: another event
    [InlineData("Ana keeps two dogs in the garden of her flat.", "Ana", 0)] // similar, not a repeat
    public async Task NotARepeat_StaysApart(string text, string speaker, int daysLater)
    {
        await Scheduler.AddMessagesAsync("c1", [new("m1", "Ana", "Ana keeps three beehives on the roof of her flat.", May8)], Ct);
        var other = (await Scheduler.AddMessagesAsync("c2", [new("x1", speaker, text, May8.AddDays(daysLater))], Ct)).Memories[0];
        Assert.True(other.Created);
        Assert.Equal(MemCubeLifecycle.Activated, (await Scheduler.GetMemoryAsync(other.Memory.Id, Ct)).State);
    }

    [Fact]
    public async Task ErasingTheSurvivor_ErasesTheFusedDuplicatesToo()
    {
        var first = (await Scheduler.AddMessagesAsync("c1", [new("m1", "Ana", "Ana keeps three beehives on the roof of her flat.", May8)], Ct)).Memories[0].Memory;
        await Scheduler.AddMessagesAsync("c2", [new("x7", "Ana", "Ana keeps three beehives on the roof of her flat!", May8)], Ct);
        var merged = (await Scheduler.GetMemoryAsync(first.Id, Ct)).FusedFrom![0].CubeId;

        await Scheduler.DeleteMemoryAsync(first.Id, null, Ct);
        foreach (var id in new[] { first.Id, merged })
        {
            var history = await Scheduler.GetHistoryAsync(id, Ct);
            Assert.Equal(MemCubeLifecycle.Deleted, history.Versions[^1].State);
            Assert.All(history.Versions, static v => Assert.Equal("", v.Text));
        }
    }

    [Fact]
    public async Task FusionOff_KeepsDuplicates()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database, scheduler: o => o.Fusion = false);
        var scheduler = host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "sam"));
        await scheduler.AddMessagesAsync("c1", [new("m1", "Ana", "Ana keeps three beehives on the roof of her flat.", May8)], Ct);
        var again = (await scheduler.AddMessagesAsync("c2", [new("x7", "Ana", "Ana keeps three beehives on the roof of her flat!", May8)], Ct)).Memories[0];
        Assert.True(again.Created);
    }
}
