using System.Diagnostics;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Silo.Tests.Cluster;

/// <summary>Killing one of three silo processes (SIGKILL: no goodbye) leaves every memory whose add was acknowledged
/// retrievable through the survivors within the failure-detection time plus 5 s.</summary>
public sealed class ClusterFailoverTests(SiloCluster cluster, ITestOutputHelper output) : IClassFixture<SiloCluster>
{
    private static readonly DateTimeOffset Day = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillOneSilo_EveryAcknowledgedMemoryIsRetrievableThroughTheSurvivorsInTime()
    {
        cluster.RequirePostgres();
        const int Users = 30;
        var acknowledged = new List<(string User, MemoryRecord Memory)>();
        for (var i = 0; i < Users; i++)
        {
            using var client = cluster.Client(i % cluster.Size);
            var added = await client.AddAsync(new AddMemoriesRequest($"kill{i}",
            [
                new ConversationMessage("m1", "Ana", $"Ana keeps bees on the roof of building {i}.", Day),
                new ConversationMessage("m2", "Ana", $"Ana's favourite tea is jasmine number {i}.", Day.AddMinutes(1)),
            ], "c1"), Ct);
            acknowledged.AddRange(added.Memories.Select(m => ($"kill{i}", m.Memory)));
        }

        var victim = cluster.Silos[2];
        var victimId = (await cluster.MembersAsync(2)).Silo.Id;
        await victim.KillAsync();
        var clock = Stopwatch.StartNew();
        var deadline = SiloCluster.FailureDetectionTime + TimeSpan.FromSeconds(5);

        // Poll through the survivors until every acknowledged memory is found, by id and by search.
        var pending = acknowledged.ToList();
        var attempts = 0;
        while (pending.Count > 0 && clock.Elapsed < deadline)
        {
            var failed = new List<(string User, MemoryRecord Memory)>();
            foreach (var (user, memory) in pending)
            {
                attempts++;
                using var client = cluster.Client(attempts % 2);
                try
                {
                    var got = await client.GetAsync(user, memory.Id, Ct);
                    var search = await client.SearchAsync(new SearchRequest(user, memory.Text, TopK: 3), Ct);
                    if (got.Text != memory.Text || search.Hits.All(h => h.Id != memory.Id))
                    {
                        failed.Add((user, memory));
                    }
                }
                catch (MemOSException e) when (e.IsTransient || e is MemOSApiException)
                {
                    failed.Add((user, memory));
                }
            }

            pending = failed;
            if (pending.Count > 0)
            {
                await Task.Delay(200, Ct);
            }
        }

        output.WriteLine($"{acknowledged.Count} memories of {Users} users; all retrievable {clock.Elapsed.TotalSeconds:F1} s after the kill " +
                         $"(bound: failure detection {SiloCluster.FailureDetectionTime.TotalSeconds:F1} s + 5 s); {attempts} reads");
        Assert.True(pending.Count == 0,
            $"{pending.Count} acknowledged memories were not retrievable {deadline.TotalSeconds:F1} s after the kill, e.g. {pending.FirstOrDefault()}");

        var members = await cluster.MembersAsync(0);
        Assert.Equal("dead", members.Silos.Single(s => s.Id == victimId).Status);
        Assert.Equal(2, members.PlacementSilos.Count);
    }
}
