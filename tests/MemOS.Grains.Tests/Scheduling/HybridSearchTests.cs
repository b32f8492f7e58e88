using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Inference.Embeddings.Glove;

namespace MemOS.Grains.Tests.Scheduling;

public sealed class HybridSearchTests : GrainTestBase
{
    private static readonly DateTimeOffset May8 = new(2023, 5, 8, 13, 56, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset June27 = new(2023, 6, 27, 10, 0, 0, TimeSpan.Zero);

    private IMemSchedulerGrain Scheduler(GrainTestHost? host = null)
        => (host ?? Host).Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "alice"));

    private static IReadOnlyList<ConversationMessage> Session1() =>
    [
        new("D1:1", "Caroline", "I went to an LGBTQ support group yesterday. It was powerful.", May8),
        new("D1:2", "Melanie", "I painted a sunrise over the lake last year.", May8),
        new("D1:3", "Caroline", "I am going to study counseling and mental health.", May8),
    ];

    private static IReadOnlyList<ConversationMessage> Session2() =>
    [
        new("D2:1", "Melanie", "We went camping by the lake with the kids.", June27),
        new("D2:2", "Caroline", "I adopted a puppy from the shelter last week.", June27),
    ];

    private Task<SearchResponse> SearchAsync(MemorySearchQuery query, GrainTestHost? host = null)
        => Scheduler(host).SearchAsync(query, TestContext.Current.CancellationToken);

    private async Task AddBothSessionsAsync()
    {
        await Scheduler().AddMessagesAsync("c1", Session1(), TestContext.Current.CancellationToken);
        await Scheduler().AddMessagesAsync("c1", Session2(), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Search_FindsAParaphrase_ThroughTheEmbedding()
    {
        await AddBothSessionsAsync();
        // No word of the query (after stemming and stop words) occurs in the memory: only the dense ranker can find it.
        var result = await SearchAsync(new MemorySearchQuery("dog", 3, null, Explain: true));
        var hit = result.Hits[0];
        Assert.Contains("puppy", hit.Text, StringComparison.Ordinal);
        Assert.Null(hit.Explanation!.LexicalRank);
        Assert.Equal(1, hit.Explanation.DenseRank);
    }

    [Fact]
    public async Task Search_SpeakerFilter_ReturnsOnlyThatSpeaker()
    {
        await AddBothSessionsAsync();
        var result = await SearchAsync(new MemorySearchQuery("lake", 50, null, new SearchFilters(Speakers: ["melanie"])));
        Assert.NotEmpty(result.Hits);
        Assert.All(result.Hits, h => Assert.Equal("Melanie", h.Speaker));
    }

    [Fact]
    public async Task Search_ValidTimeFilter_KeepsOnlyThatWindow_EvenForNeighbours()
    {
        await AddBothSessionsAsync();
        var window = new SearchFilters(ValidFrom: new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero),
            ValidTo: new DateTimeOffset(2023, 7, 1, 0, 0, 0, TimeSpan.Zero));
        var result = await SearchAsync(new MemorySearchQuery("lake support group counseling puppy", 50, null, window));
        Assert.Equal(["D2:1", "D2:2"], result.Hits.SelectMany(h => h.Provenance.MessageIds).Distinct().Order());
    }

    [Fact]
    public async Task Search_KindAndTagFilters_AreAppliedBeforeRanking()
    {
        await AddBothSessionsAsync();
        var utterances = await SearchAsync(new MemorySearchQuery("support group", 50, null, new SearchFilters(Kinds: [MemoryKinds.Utterance])));
        Assert.All(utterances.Hits, h => Assert.Equal(MemoryKinds.Utterance, h.Kind));
        Assert.Equal(["D1:1"], utterances.Hits.SelectMany(h => h.Provenance.MessageIds).Distinct());

        var target = (await SearchAsync(new MemorySearchQuery("puppy", 1, null))).Hits[0];
        await Scheduler().UpdateMemoryAsync(target.Id, new MemoryUpdate(Tags: ["pets"]), 2, TestContext.Current.CancellationToken);
        var tagged = await SearchAsync(new MemorySearchQuery("lake", 50, null, new SearchFilters(Tags: ["pets"])));
        Assert.Equal(target.Id, Assert.Single(tagged.Hits).Id);
    }

    [Fact]
    public async Task Search_AsOf_LeavesOutMemoriesStoredLater()
    {
        await Scheduler().AddMessagesAsync("c1", Session1(), TestContext.Current.CancellationToken);
        var between = Host.Time.GetUtcNow().AddMinutes(30);
        Host.Time.Advance(TimeSpan.FromHours(1));
        await Scheduler().AddMessagesAsync("c1", Session2(), TestContext.Current.CancellationToken);

        var now = await SearchAsync(new MemorySearchQuery("lake", 50, null));
        var then = await SearchAsync(new MemorySearchQuery("lake", 50, null, AsOf: between));
        Assert.Contains(now.Hits, h => h.Provenance.MessageIds.Contains("D2:1"));
        Assert.NotEmpty(then.Hits);
        Assert.All(then.Hits, h => Assert.StartsWith("D1:", h.Provenance.MessageIds[0], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_NamedSpeaker_IsBoosted_AndExplained()
    {
        await AddBothSessionsAsync();
        var result = await SearchAsync(new MemorySearchQuery("What did Caroline do at the lake?", 10, null, Explain: true));
        var caroline = result.Hits.Where(h => h.Speaker == "Caroline").ToList();
        Assert.NotEmpty(caroline);
        Assert.All(caroline, h => Assert.Equal(2.0, h.Explanation!.SpeakerBoost, 6));
        Assert.All(result.Hits.Where(h => h.Speaker == "Melanie"), h => Assert.Equal(1.0, h.Explanation!.SpeakerBoost, 6));
        foreach (var hit in result.Hits.Where(h => !h.Explanation!.RepeatedSource))
        {
            var e = hit.Explanation!;
            Assert.Equal(Math.Max(e.Fused, e.Neighbour) * e.SpeakerBoost * e.EntityBoost * e.TimeBoost * e.UsageBoost, hit.Score, 9);
        }
    }

    [Fact]
    public async Task Search_SecondSentenceOfAMessage_IsPenalized_WhenTheMessageIsAlreadyRepresented()
    {
        await AddBothSessionsAsync();
        var result = await SearchAsync(new MemorySearchQuery("support group powerful", 10, null, Explain: true));
        var fromD11 = result.Hits.Where(h => h.Provenance.MessageIds.Contains("D1:1")).ToList();
        Assert.Equal(2, fromD11.Count);
        Assert.False(fromD11[0].Explanation!.RepeatedSource);
        Assert.True(fromD11[1].Explanation!.RepeatedSource);
    }

    [Fact]
    public async Task Search_WithBudget_RendersAChronologicalDayGroupedContextWithinTheBudget()
    {
        await AddBothSessionsAsync();
        var result = await SearchAsync(new MemorySearchQuery("lake puppy support group", 50, 60));
        Assert.True(result.UsedTokens <= 60);
        Assert.Equal(MemoryRendering.CountTokens(result.Context.Length), result.UsedTokens);
        var lines = result.Context.Split('\n');
        Assert.StartsWith("[", lines[0], StringComparison.Ordinal);
        var headers = lines.Where(l => l.StartsWith('[')).ToList();
        Assert.Equal(headers.Distinct().Count(), headers.Count);
    }

    [Fact]
    public async Task Search_ATimeTheQueryNames_BoostsMemoriesOfThatTime_ResolvedAgainstTheReferenceTime()
    {
        await AddBothSessionsAsync();
        // Both sessions mention the lake; only the June one falls in "June 2023", and "last month" asked in July is June too.
        foreach (var (query, reference) in new[]
                 {
                     ("What happened at the lake in June 2023?", (DateTimeOffset?)null),
                     ("What happened at the lake last month?", new DateTimeOffset(2023, 7, 15, 0, 0, 0, TimeSpan.Zero)),
                 })
        {
            var result = await SearchAsync(new MemorySearchQuery(query, 10, null, ReferenceTime: reference, Explain: true));
            var june = result.Hits.Single(h => h.Provenance.MessageIds.Contains("D2:1"));
            var may = result.Hits.Single(h => h.Provenance.MessageIds.Contains("D1:2"));
            Assert.Equal(2.0, june.Explanation!.TimeBoost, 6);
            Assert.Equal(1.0, may.Explanation!.TimeBoost, 6);
            Assert.Equal("D2:1", result.Hits[0].Provenance.MessageIds[0]);
        }
    }

    [Fact]
    public async Task Search_ATimeTheMemoryMentions_CountsAsItsEventTime()
    {
        await AddBothSessionsAsync();
        // D1:1 was said on 8 May about "yesterday": the support group met on 7 May.
        var result = await SearchAsync(new MemorySearchQuery("What did Caroline do on 7 May 2023?", 10, null, Explain: true));
        var group = result.Hits.First(h => h.Provenance.MessageIds.Contains("D1:1"));
        Assert.Equal(2.0, group.Explanation!.TimeBoost, 6);
        Assert.All(result.Hits.Where(h => !h.Provenance.MessageIds.Contains("D1:1")), h => Assert.Equal(1.0, h.Explanation!.TimeBoost, 6));
    }

    [Fact]
    public async Task Search_AWhenQuestion_PrefersMemoriesThatMentionATime()
    {
        await AddBothSessionsAsync();
        var result = await SearchAsync(new MemorySearchQuery("When did Caroline adopt a puppy?", 10, null, Explain: true));
        var puppy = result.Hits.First(h => h.Text.Contains("puppy", StringComparison.Ordinal));
        Assert.Equal(1.25, puppy.Explanation!.TimeBoost, 6); // "last week"
        var study = result.Hits.FirstOrDefault(h => h.Text.Contains("counseling", StringComparison.Ordinal));
        Assert.True(study is null || study.Explanation!.TimeBoost == 1.0);
    }

    [Fact]
    public async Task Search_AnEntityTheQueryNames_BoostsMemoriesMentioningIt()
    {
        await Scheduler().AddMessagesAsync("c1",
        [
            new("D1:1", "Caroline", "We hiked near Boston and then went home.", May8),
            new("D1:2", "Melanie", "We hiked in the hills and then went home.", May8),
        ], TestContext.Current.CancellationToken);
        var result = await SearchAsync(new MemorySearchQuery("Where did they hike, Boston?", 10, null, Explain: true));
        var boston = result.Hits.Single(h => h.Provenance.MessageIds.Contains("D1:1"));
        var hills = result.Hits.Single(h => h.Provenance.MessageIds.Contains("D1:2"));
        Assert.Equal(1.5, boston.Explanation!.EntityBoost, 6);
        Assert.Equal(1.0, hills.Explanation!.EntityBoost, 6);
    }

    [Fact]
    public async Task Search_AfterReactivationFromStorage_ScoresExactlyAsBefore()
    {
        await AddBothSessionsAsync();
        var query = new MemorySearchQuery("Where did they go with the kids?", 10, null, Explain: true);
        var before = await SearchAsync(query);
        await Host.DeactivateIdleAsync();
        Assert.Equal(0, Host.Runtime.ActivationCount);
        var after = await SearchAsync(query);
        Assert.Equal(before.Hits.Select(h => (h.Id, h.Score, h.Explanation!.DenseScore)), after.Hits.Select(h => (h.Id, h.Score, h.Explanation!.DenseScore)));
    }

    [Fact]
    public async Task CommonComponent_IsRecomputed_OnlyAfterEnoughChanges()
    {
        using var lazyDatabase = new TempDatabase();
        await using var host = await GrainTestHost.StartAsync(lazyDatabase, scheduler: o => o.CommonComponentRefreshShare = 10);
        var scheduler = host.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "bob"));
        await scheduler.AddMessagesAsync("c1", Session1(), TestContext.Current.CancellationToken);
        var query = new MemorySearchQuery("camping by the lake", 10, null, Explain: true);
        var first = await scheduler.SearchAsync(query, TestContext.Current.CancellationToken);
        // With a share of 10, two more memories do not move the component: the old memories keep their exact scores.
        await scheduler.AddMessagesAsync("c1", Session2(), TestContext.Current.CancellationToken);
        var second = await scheduler.SearchAsync(query, TestContext.Current.CancellationToken);
        foreach (var hit in first.Hits)
        {
            Assert.Equal(hit.Explanation!.DenseScore, second.Hits.Single(h => h.Id == hit.Id).Explanation!.DenseScore);
        }

        // The default share (0.05) recomputes after these changes, and the old memories' scores move.
        using var eagerDatabase = new TempDatabase();
        await using var eager = await GrainTestHost.StartAsync(eagerDatabase);
        var other = eager.Grains.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler("t1", "bob"));
        await other.AddMessagesAsync("c1", Session1(), TestContext.Current.CancellationToken);
        var eagerFirst = await other.SearchAsync(query, TestContext.Current.CancellationToken);
        await other.AddMessagesAsync("c1", Session2(), TestContext.Current.CancellationToken);
        var eagerSecond = await other.SearchAsync(query, TestContext.Current.CancellationToken);
        Assert.Contains(eagerFirst.Hits, hit => hit.Explanation!.DenseScore != eagerSecond.Hits.Single(h => h.Id == hit.Id).Explanation!.DenseScore);
    }

    [Fact]
    public async Task Reembed_AfterAnEmbedderChange_RestoresDenseRetrieval_AndPersists()
    {
        await AddBothSessionsAsync();
        await Host.DisposeAsync();
        var other = new GloveSifEmbedder(GloveAssets.Load(), smoothingWeight: 1e-2);
        await using var changed = await GrainTestHost.StartAsync(Database, embedder: other);

        var before = await SearchAsync(new MemorySearchQuery("dog", 10, null, Explain: true), changed);
        Assert.All(before.Hits, h => Assert.Null(h.Explanation!.DenseRank));

        var reembedded = await Scheduler(changed).ReembedAsync(TestContext.Current.CancellationToken);
        Assert.Equal(other.ModelId, reembedded.ModelId);
        Assert.True(reembedded.Reembedded >= 6, $"re-embedded {reembedded.Reembedded}");
        var after = await SearchAsync(new MemorySearchQuery("dog", 3, null, Explain: true), changed);
        Assert.Contains("puppy", after.Hits[0].Text, StringComparison.Ordinal);

        await changed.DeactivateIdleAsync();
        Assert.Equal(0, (await Scheduler(changed).ReembedAsync(TestContext.Current.CancellationToken)).Reembedded);
    }
}
