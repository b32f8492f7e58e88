using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Testing;

namespace MemOS.Grains.Tests.Scheduling;

public sealed class MemSchedulerGrainTests : GrainTestBase
{
    private static readonly DateTimeOffset SessionTime = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
    private IMemSchedulerGrain Scheduler(string user = "alice")
        => Host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", user));

    private static IReadOnlyList<ConversationMessage> Messages() =>
    [
        new("D1:1", "Caroline", "I went to an LGBTQ support group yesterday.", SessionTime),
        new("D1:2", "Melanie", "I painted a sunrise over the lake last year.", SessionTime),
        new("D1:3", "Caroline", "I'm going to study counseling and mental health.", SessionTime),
        new("D1:4", "Melanie", "My kids love camping by the lake in summer.", SessionTime),
    ];

    private Task<SearchResponse> SearchAsync(string query, int topK = 10, int? budget = null, string user = "alice")
        => Scheduler(user).SearchAsync(new MemorySearchQuery(query, topK, budget), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Search_RanksTheMatchingMemoryFirst_WithStemming()
    {
        await Scheduler().AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        var result = await SearchAsync("Who paints sunrises?");
        Assert.Equal(["D1:2"], result.Hits[0].Provenance.MessageIds);
        Assert.True(result.Hits[0].Score > (result.Hits.Count > 1 ? result.Hits[1].Score : 0));
    }

    [Fact]
    public async Task Index_IsRebuiltFromStorage_AfterDeactivation()
    {
        await Scheduler().AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        var before = await SearchAsync("counseling mental health");
        await Host.DeactivateIdleAsync();
        Assert.Equal(0, Host.Runtime.ActivationCount);

        var after = await SearchAsync("counseling mental health");
        Assert.Equal(before.Hits.Select(h => (h.Id, h.Score)), after.Hits.Select(h => (h.Id, h.Score)));
        var again = await Scheduler().AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        Assert.All(again.Memories, m => Assert.False(m.Created));
    }

    [Fact]
    public async Task Add_WithInvalidMessage_StoresNothing()
    {
        var messages = Messages().Append(new ConversationMessage("D1:5", "", "no speaker", SessionTime)).ToList();
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Scheduler().AddMessagesAsync("c1", messages, TestContext.Current.CancellationToken));
        Assert.Contains("messages[4].speaker", error.Message);
        Assert.Empty((await SearchAsync("support group lake sunrise counseling")).Hits);
        await Host.DeactivateIdleAsync();
        Assert.Empty((await SearchAsync("support group lake sunrise counseling")).Hits);
    }

    [Fact]
    public async Task Add_RepeatedMessageIdWithinRequest_IsRejected()
    {
        IReadOnlyList<ConversationMessage> messages = [Messages()[0], Messages()[0] with { Text = "other" }];
        await Assert.ThrowsAsync<ArgumentException>(() => Scheduler().AddMessagesAsync("c1", messages, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Add_ChangedTextForRememberedMessage_IsAConflictAndStoresNothing()
    {
        await Scheduler().AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        IReadOnlyList<ConversationMessage> retry =
        [
            new("D1:9", "Caroline", "A brand new message about violins.", SessionTime),
            Messages()[0] with { Text = "I never went to a support group." },
        ];
        await Assert.ThrowsAsync<MessageConflictException>(() => Scheduler().AddMessagesAsync("c1", retry, TestContext.Current.CancellationToken));
        Assert.DoesNotContain((await SearchAsync("violins")).Hits, h => h.Text.Contains("violins", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_WithTokenBudget_NeverExceedsIt()
    {
        await Scheduler().AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        foreach (var budget in new[] { 1, 10, 20, 30, 45, 60, 1000 })
        {
            var result = await SearchAsync("Caroline Melanie lake support counseling", topK: 200, budget: budget);
            var context = MemoryRendering.RenderGroupedContext(result.Hits.Select(h => new ContextEntry(h.ValidFrom, h.Speaker, h.Text)));
            var tokens = MemoryRendering.CountTokens(context.Length);
            Assert.True(tokens <= budget, $"{tokens} tokens for a budget of {budget}");
            Assert.Equal(context, result.Context);
            Assert.Equal(tokens, result.UsedTokens);
        }

        Assert.Equal(4, (await SearchAsync("Caroline Melanie lake support counseling", 200, 1000)).Hits.Count);
    }

    [Fact]
    public async Task Users_AreIsolated()
    {
        await Scheduler("alice").AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        Assert.Empty((await SearchAsync("support group", user: "bob")).Hits);
        var id = (await SearchAsync("support group")).Hits[0].Id;
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Scheduler("bob").GetMemoryAsync(id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Delete_RemovesFromIndex_AndStaysRemovedAfterRebuild()
    {
        var added = await Scheduler().AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        var id = added.Memories[1].Memory.Id;
        await Scheduler().DeleteMemoryAsync(id, null, TestContext.Current.CancellationToken);
        Assert.DoesNotContain((await SearchAsync("sunrise")).Hits, h => h.Id == id);
        await Host.DeactivateIdleAsync();
        Assert.DoesNotContain((await SearchAsync("sunrise")).Hits, h => h.Id == id);
        Assert.Equal("deleted", (await Scheduler().GetHistoryAsync(id, TestContext.Current.CancellationToken)).Versions[^1].Change);
        // The message is forgotten with the memory, so it may be remembered again.
        var again = await Scheduler().AddMessagesAsync("c1", [Messages()[1]], TestContext.Current.CancellationToken);
        Assert.True(again.Memories[0].Created);
    }

    [Fact]
    public async Task CubeLeftGenerated_IsAdmittedWhenTheSchedulerActivates()
    {
        // An add that stopped between creating and activating a cube (a crash) leaves it Generated in storage.
        var key = MemCubeKeys.Cube("t1", MemCubeKeys.PrivateSpace("alice"), "01JORPHAN00000000000000000");
        var provenance = new MemoryProvenance("c1", ["D9:1"], "Caroline", SessionTime, new MemoryProducer("test", "1"), []);
        await Host.Grains.GetGrain<IMemCubeGrain>(key).CreateAsync(
            new MemCubeDraft("alice", MemoryKinds.Turn, "An orphaned memory about the harbour.", provenance, SessionTime, [], []),
            TestContext.Current.CancellationToken);

        var result = await SearchAsync("harbour");
        Assert.Equal("01JORPHAN00000000000000000", Assert.Single(result.Hits).Id);
        var record = await Scheduler().GetMemoryAsync("01JORPHAN00000000000000000", TestContext.Current.CancellationToken);
        Assert.Equal(MemCubeLifecycle.Activated, record.State);
    }

    [Fact]
    public async Task SearchHits_AreCountedAsAccesses_InBatches()
    {
        var added = await Scheduler().AddMessagesAsync("c1", Messages(), TestContext.Current.CancellationToken);
        await SearchAsync("sunrise painted");
        await SearchAsync("sunrise painted");
        var id = added.Memories[1].Memory.Id;
        Assert.Equal(1, (await Scheduler().GetMemoryAsync(id, TestContext.Current.CancellationToken)).Access.Count);

        // The flush timer's tick is queued on the scheduler before the next call, so that call sees the batch applied:
        // two search hits + the earlier get + this get.
        Host.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(4, (await Scheduler().GetMemoryAsync(id, TestContext.Current.CancellationToken)).Access.Count);
    }
}
