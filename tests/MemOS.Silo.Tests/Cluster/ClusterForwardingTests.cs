using System.Net;
using System.Net.Http.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Operations;
using MemOS.Grains.Interfaces.Serialization;
using MemOS.Runtime;
using MemOS.Runtime.Cluster;
using MemOS.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MemOS.Silo.Tests.Cluster;

/// <summary>Forwarding over HTTP between in-process silos on one PostgreSQL database: the cluster secret guards the
/// internal routes, calls through any silo's <see cref="IGrainFactory"/> run on the owner and keep their exception
/// types, and a silo stopping gracefully leaves without losing state. Also: an embedded silo is a cluster of one.</summary>
public sealed class ClusterForwardingTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Day = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InternalRoutes_WithoutTheClusterSecret_Answer401()
    {
        var connectionString = await database.CreateDatabaseAsync();
        await using var silo = await StartAsync(connectionString);
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };

        using (var none = await http.PostAsync("internal/v1/cluster/refresh", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "internal/v1/grains/memscheduler/GetMemoryAsync"))
        {
            wrong.Headers.Add(ClusterOptions.SecretHeader, "not-the-secret-of-this-cluster");
            wrong.Content = JsonContent.Create(new { @interface = typeof(IMemSchedulerGrain).FullName, key = "default/x", arguments = new[] { "c" } });
            using var response = await http.SendAsync(wrong, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var secret = silo.Services.GetRequiredService<ClusterSecret>().Value;
        using var right = new HttpRequestMessage(HttpMethod.Post, "internal/v1/cluster/refresh");
        right.Headers.Add(ClusterOptions.SecretHeader, secret);
        using var ok = await http.SendAsync(right, Ct);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);

        // The internal routes are not part of the public API description.
        var openApi = await http.GetStringAsync("openapi/v1.json", Ct);
        Assert.DoesNotContain("/internal/", openApi, StringComparison.Ordinal);
        Assert.Contains("/v1/cluster/members", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainFactory_OnANonOwner_ForwardsOverHttp_KeepingResultsAndExceptionTypes()
    {
        var connectionString = await database.CreateDatabaseAsync();
        await using var a = await StartAsync(connectionString);
        await using var b = await StartAsync(connectionString);
        await WaitForPlacementAsync([a, b], 2);

        var bId = b.Services.GetRequiredService<IClusterMembership>().LocalSiloId;
        var placement = a.Services.GetRequiredService<IClusterMembership>().View.PlacementSilos.Select(static m => m.SiloId).ToList();
        var user = Enumerable.Range(0, 1000).Select(i => $"fwd{i}")
            .First(u => placement[RendezvousHash.Owner(MemCubeKeys.SchedulerGrainType, MemCubeKeys.Scheduler(MemCubeKeys.DefaultTenant, u), placement)] == bId);
        var scheduler = a.Services.GetRequiredService<IGrainFactory>().GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler(MemCubeKeys.DefaultTenant, user));

        var added = await scheduler.AddMessagesAsync("c1", [new ConversationMessage("m1", "Ana", "Ana moved to Porto in May.", Day)], Ct);
        var memory = added.Memories[0].Memory;
        Assert.Equal("Ana moved to Porto in May.", memory.Text);
        Assert.Equal(0, Schedulers(a));
        Assert.Equal(1, Schedulers(b));

        var missing = await Assert.ThrowsAsync<MemoryNotFoundException>(() => scheduler.GetMemoryAsync("01HXNOSUCHMEMORY0000000000", Ct));
        Assert.Equal("01HXNOSUCHMEMORY0000000000", missing.CubeId);
        var stale = await Assert.ThrowsAsync<VersionConflictException>(() =>
            scheduler.UpdateMemoryAsync(memory.Id, new MemoryUpdate(Text: "Ana moved to Braga."), memory.Version - 1, Ct));
        Assert.Equal((memory.Id, memory.Version - 1, memory.Version), (stale.CubeId, stale.ExpectedVersion, stale.CurrentVersion));
        var invalid = await Assert.ThrowsAsync<ArgumentException>(() => scheduler.AddMessagesAsync("c1", [], Ct));
        Assert.Equal("messages", invalid.ParamName);

        // Through the REST API of the silo that forwards, the problem details are those of a local failure.
        using var http = new HttpClient { BaseAddress = a.BaseAddress };
        using var client = new MemOSClient(http);
        var notFound = await Assert.ThrowsAsync<MemOSApiException>(() => client.GetAsync(user, "01HXNOSUCHMEMORY0000000000", Ct));
        Assert.Equal((HttpStatusCode.NotFound, "urn:memos:problem:not-found"), (notFound.StatusCode, notFound.Problem.Type));
        var conflict = await Assert.ThrowsAsync<MemOSApiException>(() =>
            client.UpdateAsync(user, memory.Id, new MemoryUpdate(Text: "Ana moved to Braga."), memory.Version - 1, Ct));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "urn:memos:problem:version-conflict"), (conflict.StatusCode, conflict.Problem.Type));
    }

    [Fact]
    public async Task GracefulStop_TheSiloLeavesTheTable_AndEveryMemoryItHeldStaysRetrievable()
    {
        var connectionString = await database.CreateDatabaseAsync();
        await using var a = await StartAsync(connectionString);
        var c = await StartAsync(connectionString);
        await WaitForPlacementAsync([a, c], 2);
        using var http = new HttpClient { BaseAddress = a.BaseAddress };
        using var client = new MemOSClient(http);
        var memories = new List<(string User, MemoryRecord Memory)>();
        for (var i = 0; i < 12; i++)
        {
            var added = await client.AddAsync(new AddMemoriesRequest($"leave{i}", [new ConversationMessage("m1", "Ana", $"Ana's locker number is {i}.", Day)], "c"), Ct);
            memories.Add(($"leave{i}", added.Memories[0].Memory));

            // Searches count accesses, which the cubes write lazily: the graceful stop must write them.
            await client.SearchAsync(new MemOS.Grains.Interfaces.Search.SearchRequest($"leave{i}", "locker number"), Ct);
        }

        Assert.True(Schedulers(c) > 0, "the stopping silo held no MemScheduler");
        var cId = c.Services.GetRequiredService<IClusterMembership>().LocalSiloId;
        await c.DisposeAsync();

        Assert.DoesNotContain(cId, await SiloIdsInTableAsync(connectionString));
        var members = await http.GetFromJsonAsync("v1/cluster/members", MemOSJsonContext.Default.ClusterMembers, Ct);
        Assert.Equal([a.Services.GetRequiredService<IClusterMembership>().LocalSiloId], members!.PlacementSilos);
        Assert.DoesNotContain(members.Silos, s => s.Id == cId);
        foreach (var (user, memory) in memories)
        {
            var stored = await client.GetAsync(user, memory.Id, Ct);
            Assert.Equal(memory.Text, stored.Text);
            Assert.True(stored.Access.Count >= 1, $"the access of {memory.Id} counted before the stop was lost");
        }
    }

    [Fact]
    public async Task EmbeddedSilo_IsAClusterOfOne()
    {
        var directory = Directory.CreateTempSubdirectory("memos-one-").FullName;
        try
        {
            await using var silo = await EmbeddedSilo.StartAsync(directory, cancellationToken: Ct);
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            var members = await http.GetFromJsonAsync("v1/cluster/members", MemOSJsonContext.Default.ClusterMembers, Ct);
            Assert.Equal("active", members!.Silo.Status);
            Assert.Equal(silo.BaseAddress.ToString(), members.Silo.Address);
            Assert.Equal([members.Silo.Id], members.PlacementSilos);
            Assert.Equal(ClusterMembers.RendezvousPlacement, members.Placement);
            Assert.Single(members.Silos);
            Assert.IsType<LocalClusterMembership>(silo.Services.GetRequiredService<IClusterMembership>());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static long Schedulers(EmbeddedSilo silo)
        => silo.Services.GetRequiredService<GrainRuntime>().LiveActivationsByType().GetValueOrDefault(MemCubeKeys.SchedulerGrainType);

    private static Task<EmbeddedSilo> StartAsync(string connectionString)
        => EmbeddedSilo.StartAsync(
            Path.Combine(Path.GetTempPath(), "memos-unused-" + Guid.NewGuid().ToString("N")[..8]),
            configure: builder =>
            {
                builder.Configuration[$"ConnectionStrings:{SiloOptions.ConnectionStringName}"] = connectionString;
                builder.Configuration["MemOS:Cluster:HeartbeatInterval"] = "00:00:00.5";
                builder.Configuration["MemOS:Cluster:DeathTimeout"] = "00:00:03";
            },
            cancellationToken: Ct);

    private static async Task WaitForPlacementAsync(IReadOnlyList<EmbeddedSilo> silos, int count)
    {
        foreach (var silo in silos)
        {
            var membership = silo.Services.GetRequiredService<IClusterMembership>();
            await Eventually.TrueAsync(() => membership.View.PlacementSilos.Count == count, $"a silo sees {count} silos owning grains");
        }
    }

    private static async Task<List<string>> SiloIdsInTableAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT silo_id FROM memos_silo_membership;", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
