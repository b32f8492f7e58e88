using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Memories;
using MemOS.Runtime;
using MemOS.Testing;

namespace MemOS.Grains.Tests.Scheduling;

/// <summary>Archive to and restore from the MemVault, time to live and purge, and automatic archival of cold memories,
/// driven by the MemScheduler's sweep on a fake clock.</summary>
public sealed class LifecycleTests
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<ConversationMessage> Messages() =>
    [
        new("D1:1", "Ana", "Ana keeps three beehives on the roof of her flat.", May8),
        new("D1:2", "Ben", "Ben is learning to play the cello with a teacher from Porto.", May8),
        new("D1:3", "Ana", "Ana's sister moved to Lisbon to work as a nurse.", May8),
    ];

    private static IMemSchedulerGrain Scheduler(GrainTestHost host) => host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "sam"));

    private static async Task<IReadOnlyList<string>> SearchIdsAsync(GrainTestHost host, string query, int topK = 10)
        => [.. (await Scheduler(host).SearchAsync(new MemorySearchQuery(query, topK, null), Ct)).Hits.Select(static h => h.Id)];

    /// <summary>Every text stored for the user's cubes, hot state and MemVault together.</summary>
    private static async Task<string> StoredTextsAsync(GrainTestHost host)
    {
        var query = host.Service<IGrainStateQuery>();
        var prefix = MemCubeKeys.SpacePrefix("t1", MemCubeKeys.PrivateSpace("sam"));
        var texts = new List<string>();
        await foreach (var row in query.ScanAsync<MemCubeState>(MemCubeGrain.GrainTypeName, MemCubeGrain.StateName, prefix, Ct))
        {
            texts.Add(row.State.Text);
            texts.AddRange(row.State.History.Select(static v => v.Text));
        }

        await foreach (var row in query.ScanAsync<MemVaultSlot>(MemVaultGrain.GrainTypeName, MemVaultGrain.StateName, prefix, Ct))
        {
            texts.Add(row.State.Entry?.Text ?? "");
            texts.AddRange(row.State.Entry?.History.Select(static v => v.Text) ?? []);
        }

        return string.Join("\n", texts);
    }

    private static async Task<string> DescribeAsync(GrainTestHost host)
    {
        var parts = new List<string> { "now " + host.Time.GetUtcNow().ToString("O") };
        await foreach (var row in host.Service<IGrainStateQuery>().ScanAsync<MemCubeState>(MemCubeGrain.GrainTypeName, MemCubeGrain.StateName,
                           MemCubeKeys.SpacePrefix("t1", MemCubeKeys.PrivateSpace("sam")), Ct))
        {
            parts.Add($"{row.State.Id} {row.State.State} updated {row.State.UpdatedAt:O} access {row.State.Access.Count} last {row.State.Access.LastAccessAt:O}");
        }

        return string.Join("; ", parts);
    }

    private static async Task<int> VaultRowsAsync(GrainTestHost host)
    {
        var rows = 0;
        await foreach (var _ in host.Service<IGrainStateQuery>().ScanAsync<MemVaultSlot>(
                           MemVaultGrain.GrainTypeName, MemVaultGrain.StateName, MemCubeKeys.SpacePrefix("t1", MemCubeKeys.PrivateSpace("sam")), Ct))
        {
            rows++;
        }

        return rows;
    }

    /// <summary>Waits until the sweep has done something, letting the fake clock run a minute (one sweep interval) per
    /// try: a sweep that a timer tick started before the clock reached its target sees the time of that tick.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string because, GrainTestHost host)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {because}: {await DescribeAsync(host)}");
            await Task.Delay(20, Ct);
            host.Time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task Archive_LeavesTheHotIndexAndState_RestoreBringsItBack()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        var added = await Scheduler(host).AddMessagesAsync("c1", Messages(), Ct);
        var bees = added.Memories[0].Memory;
        Assert.Contains(bees.Id, await SearchIdsAsync(host, "beehives on the roof"));

        var archived = await Scheduler(host).ArchiveMemoryAsync(bees.Id, bees.Version, Ct);
        Assert.Equal((MemCubeLifecycle.Archived, bees.Text), (archived.State, archived.Text));
        Assert.DoesNotContain(bees.Id, await SearchIdsAsync(host, "beehives on the roof"));

        // The payload is in the MemVault, not in the hot row the scheduler scans.
        var hot = await host.Service<IGrainStateQuery>().ScanAsync<MemCubeState>(MemCubeGrain.GrainTypeName, MemCubeGrain.StateName,
            MemCubeKeys.Cube("t1", MemCubeKeys.PrivateSpace("sam"), bees.Id), Ct).SingleAsync(Ct);
        Assert.Equal(("", (MemoryEmbedding?)null, 0), (hot.State.Text, hot.State.Embedding, hot.State.History.Count));
        Assert.Equal(1, await VaultRowsAsync(host));

        // Still readable by id, with its history.
        Assert.Equal(bees.Text, (await Scheduler(host).GetMemoryAsync(bees.Id, Ct)).Text);
        Assert.Equal(["created", "activated", "archived"], (await Scheduler(host).GetHistoryAsync(bees.Id, Ct)).Versions.Select(static v => v.Change));

        var restored = await Scheduler(host).RestoreMemoryAsync(bees.Id, archived.Version, Ct);
        Assert.Equal((MemCubeLifecycle.Activated, bees.Text, archived.Version + 1), (restored.State, restored.Text, restored.Version));
        Assert.Equal(bees.Id, (await SearchIdsAsync(host, "beehives on the roof"))[0]);
        Assert.Equal(0, await VaultRowsAsync(host));
        Assert.Equal(["created", "activated", "archived", "restored"], (await Scheduler(host).GetHistoryAsync(bees.Id, Ct)).Versions.Select(static v => v.Change));
    }

    [Fact]
    public async Task IllegalTransitions_AreRefusedNamingTheState_AndChangeNothing()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        var bees = (await Scheduler(host).AddMessagesAsync("c1", Messages(), Ct)).Memories[0].Memory;

        var notArchived = await Assert.ThrowsAsync<InvalidLifecycleTransitionException>(() => Scheduler(host).RestoreMemoryAsync(bees.Id, null, Ct));
        Assert.Equal(MemCubeLifecycle.Activated, notArchived.Current);
        await Scheduler(host).ArchiveMemoryAsync(bees.Id, null, Ct);
        var twice = await Assert.ThrowsAsync<InvalidLifecycleTransitionException>(() => Scheduler(host).ArchiveMemoryAsync(bees.Id, null, Ct));
        Assert.Equal(MemCubeLifecycle.Archived, twice.Current);
        var edit = await Assert.ThrowsAsync<InvalidLifecycleTransitionException>(
            () => Scheduler(host).UpdateMemoryAsync(bees.Id, new MemoryUpdate("Ana sold the beehives."), 3, Ct));
        Assert.Equal(MemCubeLifecycle.Archived, edit.Current);
        await Assert.ThrowsAsync<VersionConflictException>(() => Scheduler(host).RestoreMemoryAsync(bees.Id, 2, Ct));

        var now = await Scheduler(host).GetMemoryAsync(bees.Id, Ct);
        Assert.Equal((MemCubeLifecycle.Archived, 3L, bees.Text), (now.State, now.Version, now.Text));
    }

    [Fact]
    public async Task Archived_StaysArchivedAcrossReactivation_AndARepeatedAddIsNotStoredTwice()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        var bees = (await Scheduler(host).AddMessagesAsync("c1", Messages(), Ct)).Memories[0].Memory;
        await Scheduler(host).ArchiveMemoryAsync(bees.Id, null, Ct);
        await host.DeactivateIdleAsync();

        Assert.DoesNotContain(bees.Id, await SearchIdsAsync(host, "beehives on the roof"));
        var again = await Scheduler(host).AddMessagesAsync("c1", [Messages()[0]], Ct);
        Assert.Equal((bees.Id, false), (again.Memories[0].Memory.Id, again.Memories[0].Created));
        var restored = await Scheduler(host).RestoreMemoryAsync(bees.Id, null, Ct);
        Assert.Equal(bees.Text, restored.Text);
        Assert.Contains(bees.Id, await SearchIdsAsync(host, "beehives on the roof"));
    }

    [Fact]
    public async Task Erasing_AnArchivedMemory_DestroysTheVaultCopyToo()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        var bees = (await Scheduler(host).AddMessagesAsync("c1", Messages(), Ct)).Memories[0].Memory;
        await Scheduler(host).ArchiveMemoryAsync(bees.Id, null, Ct);
        await Scheduler(host).DeleteMemoryAsync(bees.Id, null, Ct);

        Assert.Equal(0, await VaultRowsAsync(host));
        Assert.DoesNotContain("beehives", await StoredTextsAsync(host), StringComparison.Ordinal);
        var history = await Scheduler(host).GetHistoryAsync(bees.Id, Ct);
        Assert.Equal(["created", "activated", "archived", "deleted"], history.Versions.Select(static v => v.Change));
        Assert.All(history.Versions, static v => Assert.Equal("", v.Text));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Scheduler(host).GetMemoryAsync(bees.Id, Ct));
    }

    [Fact]
    public async Task TimeToLive_ExpiredMemoriesAreNeverReturned_ThenPurgedAfterTheGracePeriod()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database, lifecycle: o =>
        {
            o.DefaultTimeToLive = TimeSpan.FromHours(1);
            o.ExpiryGracePeriod = TimeSpan.FromDays(1);
        });
        var bees = (await Scheduler(host).AddMessagesAsync("c1", Messages(), Ct)).Memories[0].Memory;
        Assert.Equal(host.Time.GetUtcNow() + TimeSpan.FromHours(1), bees.ExpiresAt);
        Assert.Contains(bees.Id, await SearchIdsAsync(host, "beehives on the roof"));

        // Past its time to live: gone from get and search at once, and the sweep records the transition.
        host.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Scheduler(host).GetMemoryAsync(bees.Id, Ct));
        Assert.Empty(await SearchIdsAsync(host, "beehives on the roof Lisbon cello"));
        await UntilAsync(async () => (await Scheduler(host).GetHistoryAsync(bees.Id, Ct)).Versions[^1].Change == "expired", "the sweep expires it", host);
        var expired = await Scheduler(host).GetHistoryAsync(bees.Id, Ct);
        Assert.All(expired.Versions, static v => Assert.Equal("", v.Text));
        Assert.Contains("beehives", await StoredTextsAsync(host), StringComparison.Ordinal);

        // After the grace period the payload is destroyed.
        host.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(2));
        await UntilAsync(async () => (await Scheduler(host).GetHistoryAsync(bees.Id, Ct)).Versions[^1].Change == "purged", "the sweep purges it", host);
        Assert.DoesNotContain("beehives", await StoredTextsAsync(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiresAt_SetByUpdate_ExpiresThatMemoryOnly()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database);
        var memories = (await Scheduler(host).AddMessagesAsync("c1", Messages(), Ct)).Memories;
        var bees = memories[0].Memory;
        Assert.Null(bees.ExpiresAt);
        var updated = await Scheduler(host).UpdateMemoryAsync(bees.Id, new MemoryUpdate(ExpiresAt: host.Time.GetUtcNow().AddMinutes(10)), bees.Version, Ct);
        Assert.Equal(host.Time.GetUtcNow().AddMinutes(10), updated.ExpiresAt);

        host.Time.Advance(TimeSpan.FromMinutes(12));
        await UntilAsync(async () => (await Scheduler(host).GetHistoryAsync(bees.Id, Ct)).Versions[^1].Change == "expired", "the sweep expires it", host);
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Scheduler(host).GetMemoryAsync(bees.Id, Ct));
        Assert.Equal(memories[1].Memory.Text, (await Scheduler(host).GetMemoryAsync(memories[1].Memory.Id, Ct)).Text);
    }

    [Fact]
    public async Task ColdMemories_AreArchivedBySchedule_MemoriesInUseStayHot()
    {
        using var database = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(database, lifecycle: o =>
        {
            o.ArchiveAfterIdle = TimeSpan.FromDays(7);
            o.ArchiveMaxAccessCount = 0;
        });
        var memories = (await Scheduler(host).AddMessagesAsync("c1", Messages(), Ct)).Memories.Select(static m => m.Memory).ToList();

        // Day 6: the cello memory is retrieved (the only hit: once, above the max of 0); nothing is idle for 7 days yet.
        host.Time.Advance(TimeSpan.FromDays(6));
        Assert.Equal([memories[1].Id], await SearchIdsAsync(host, "cello teacher", topK: 1));
        foreach (var memory in memories)
        {
            // History is not a retrieval (a get would count as a use).
            Assert.Equal("activated", (await Scheduler(host).GetHistoryAsync(memory.Id, Ct)).Versions[^1].Change);
        }

        // Day 14: the two memories unused since day 0 are cold; the cello memory, used on day 6 and counted once, is not
        // (ArchiveMaxAccessCount 0 keeps any memory retrieved at all).
        host.Time.Advance(TimeSpan.FromDays(8));
        await UntilAsync(async () =>
        {
            var states = await Task.WhenAll(memories.Select(m => Scheduler(host).GetHistoryAsync(m.Id, Ct)));
            return states.Count(h => h.Versions[^1].Change == "archived") == 2;
        }, "the two unused memories are archived", host);
        Assert.Equal("activated", (await Scheduler(host).GetHistoryAsync(memories[1].Id, Ct)).Versions[^1].Change);
        Assert.Equal(2, await VaultRowsAsync(host));
    }
}
