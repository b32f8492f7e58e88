using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Grains.Tests.Scheduling;

/// <summary>A new memory that updates a known fact about the same subject closes the old memory's valid time instead of
/// deleting it: both stay, and "what was true then" is answered by valid time.</summary>
public sealed class FactUpdateTests : GrainTestBase
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset June20 = new(2023, 6, 20, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IMemSchedulerGrain Scheduler => Host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "sam"));

    [Fact]
    public async Task NewValue_ClosesTheOldFactsValidTime_BothStayFindable()
    {
        var lisbon = (await Scheduler.AddMessagesAsync("c1", [new("m1", "Ana", "I live in Lisbon.", May8)], Ct)).Memories[0].Memory;
        var porto = (await Scheduler.AddMessagesAsync("c2", [new("m9", "Ana", "I moved to Porto.", June20)], Ct)).Memories[0].Memory;

        var old = await Scheduler.GetMemoryAsync(lisbon.Id, Ct);
        Assert.Equal((MemCubeLifecycle.Activated, (DateTimeOffset?)May8, (DateTimeOffset?)June20), (old.State, old.ValidFrom, old.ValidTo));
        Assert.Null((await Scheduler.GetMemoryAsync(porto.Id, Ct)).ValidTo);
        Assert.Equal("updated", (await Scheduler.GetHistoryAsync(lisbon.Id, Ct)).Versions[^1].Change);

        // What was true in May: the memory valid then; both are still found.
        var may = await Scheduler.SearchAsync(new MemorySearchQuery("Where does Ana live?", 10, null,
            new SearchFilters(ValidFrom: May8.AddDays(-1), ValidTo: May8.AddDays(1))), Ct);
        Assert.Equal([lisbon.Id], may.Hits.Select(static h => h.Id));
        var all = await Scheduler.SearchAsync(new MemorySearchQuery("Where does Ana live?", 10, null), Ct);
        Assert.Equal(2, all.Hits.Count);
    }

    [Fact]
    public async Task SameValue_OtherSubject_OrAfterReactivation_AreHandled()
    {
        var lisbon = (await Scheduler.AddMessagesAsync("c1", [new("m1", "Ana", "I live in Lisbon.", May8)], Ct)).Memories[0].Memory;
        await Scheduler.AddMessagesAsync("c1", [new("m2", "Ben", "I live in Madrid.", May8.AddDays(1))], Ct);
        await Scheduler.AddMessagesAsync("c1", [new("m3", "Ana", "Ana still lives in Lisbon.", May8.AddDays(2))], Ct);
        Assert.Null((await Scheduler.GetMemoryAsync(lisbon.Id, Ct)).ValidTo);

        // The fact index is rebuilt when the scheduler activates again.
        await Host.DeactivateIdleAsync();
        await Scheduler.AddMessagesAsync("c2", [new("x1", "Ana", "My favourite colour is green.", June20)], Ct);
        await Scheduler.AddMessagesAsync("c2", [new("x2", "Ana", "I moved to Porto.", June20)], Ct);
        Assert.Equal(June20, (await Scheduler.GetMemoryAsync(lisbon.Id, Ct)).ValidTo);
    }
}
