using System.Net;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests.Cluster;

/// <summary>Issue 5's acceptance on three silo processes sharing one PostgreSQL database: grains of many keys spread
/// over every silo, any silo answers any request, and two concurrent writers of one memory get one success and one
/// conflict (the kill test has a cluster of its own: <see cref="ClusterFailoverTests"/>).</summary>
public sealed class ClusterAcceptanceTests(SiloCluster cluster, ITestOutputHelper output) : IClassFixture<SiloCluster>
{
    private static readonly DateTimeOffset Day = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManyUsers_GrainsSpreadOverEverySilo_OneSchedulerActivationPerUser()
    {
        cluster.RequirePostgres();
        var prefix = "spread" + Guid.NewGuid().ToString("N")[..6];
        const int Users = 24;
        await Task.WhenAll(Enumerable.Range(0, Users).Select(async i =>
        {
            using var client = cluster.Client(i % cluster.Size);
            await client.AddAsync(new AddMemoriesRequest($"{prefix}{i}",
            [
                new ConversationMessage("m1", "Ana", $"I adopted a cat named Pixel{i} last spring.", Day),
                new ConversationMessage("m2", "Ana", $"My sister lives in Lisbon and works as a nurse{i}.", Day.AddMinutes(1)),
            ], "c1"), Ct);
        }));

        var overviews = await Task.WhenAll(Enumerable.Range(0, cluster.Size).Select(cluster.OverviewAsync));
        long Count(int silo, string type) => overviews[silo].Activations.SingleOrDefault(a => a.GrainType == type)?.Count ?? 0;
        var schedulers = Enumerable.Range(0, cluster.Size).Select(s => Count(s, "memscheduler")).ToArray();
        var cubes = Enumerable.Range(0, cluster.Size).Select(s => Count(s, "memcube")).ToArray();
        output.WriteLine($"memscheduler activations by silo: {string.Join(", ", schedulers)}; memcube: {string.Join(", ", cubes)}");

        Assert.All(schedulers, static c => Assert.True(c > 0, "a silo holds no MemScheduler"));
        Assert.All(cubes, static c => Assert.True(c > 0, "a silo holds no MemCube"));

        // Other tests of the class add users too: at least these, and never two activations of one user's scheduler.
        Assert.True(schedulers.Sum() >= Users);
        Assert.Equal(3, overviews[0].Silos.Count(static s => s.Status == "active"));
    }

    [Fact]
    public async Task AnySilo_AnswersAnyRequestOfAUser()
    {
        cluster.RequirePostgres();
        var user = "any" + Guid.NewGuid().ToString("N")[..8];
        using var first = cluster.Client(0);
        var added = await first.AddAsync(new AddMemoriesRequest(user,
        [
            new ConversationMessage("D1:1", "Caroline", "I went to an LGBTQ support group yesterday and it was powerful.", Day),
            new ConversationMessage("D1:2", "Melanie", "I am painting a sunrise over the lake this weekend.", Day.AddMinutes(1)),
        ], "conv"), Ct);
        var painting = added.Memories[1].Memory;

        for (var silo = 0; silo < cluster.Size; silo++)
        {
            using var client = cluster.Client(silo);
            var search = await client.SearchAsync(new SearchRequest(user, "What is Melanie painting?"), Ct);
            Assert.Equal(painting.Id, search.Hits[0].Id);
            Assert.Equal(painting.Text, (await client.GetAsync(user, painting.Id, Ct)).Text);
        }

        using var second = cluster.Client(1);
        var updated = await second.UpdateAsync(user, painting.Id, new MemoryUpdate(Text: "Melanie is painting a mountain at dusk."), painting.Version, Ct);
        using var third = cluster.Client(2);
        Assert.Equal(updated.Version, (await third.GetAsync(user, painting.Id, Ct)).Version);
        Assert.Equal(painting.Id, (await third.SearchAsync(new SearchRequest(user, "mountain dusk"), Ct)).Hits[0].Id);
        Assert.Equal(["created", "activated", "updated"], (await first.GetHistoryAsync(user, painting.Id, Ct)).Versions.Select(static v => v.Change));

        await third.DeleteAsync(user, painting.Id, cancellationToken: Ct);
        var gone = await Assert.ThrowsAsync<MemOSApiException>(() => second.GetAsync(user, painting.Id, Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("urn:memos:problem:not-found", gone.Problem.Type);
    }

    [Fact]
    public async Task ConcurrentWriters_OfOneMemoryOnTwoSilos_OneSucceedsOneConflicts_NoLostUpdate()
    {
        cluster.RequirePostgres();
        var user = "race" + Guid.NewGuid().ToString("N")[..8];
        using var reader = cluster.Client(0);
        using var writerA = cluster.Client(1);
        using var writerB = cluster.Client(2);
        var memory = (await reader.AddAsync(new AddMemoriesRequest(user,
            [new ConversationMessage("m1", "Ana", "The launch is planned for March.", Day)]), Ct)).Memories[0].Memory;

        for (var round = 0; round < 6; round++)
        {
            var current = await reader.GetAsync(user, memory.Id, Ct);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = new[] { (Client: writerA, Text: $"round {round}: the launch moved to April."), (Client: writerB, Text: $"round {round}: the launch moved to May.") }
                .Select(async writer =>
                {
                    await gate.Task;
                    try
                    {
                        return (writer.Text, Record: (MemoryRecord?)await writer.Client.UpdateAsync(
                            user, memory.Id, new MemoryUpdate(Text: writer.Text), current.Version, Ct), Status: HttpStatusCode.OK);
                    }
                    catch (MemOSApiException e)
                    {
                        return (writer.Text, Record: (MemoryRecord?)null, Status: e.StatusCode);
                    }
                }).ToArray();
            gate.SetResult();
            var results = await Task.WhenAll(attempts);

            var winner = Assert.Single(results, static r => r.Record is not null);
            var loser = Assert.Single(results, static r => r.Record is null);
            Assert.Equal(HttpStatusCode.PreconditionFailed, loser.Status);
            var stored = await reader.GetAsync(user, memory.Id, Ct);
            Assert.Equal(current.Version + 1, stored.Version);
            Assert.Equal(winner.Text, stored.Text);
        }
    }
}
