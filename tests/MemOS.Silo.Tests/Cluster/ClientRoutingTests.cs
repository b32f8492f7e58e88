using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MemOS.Client;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Runtime;
using MemOS.Runtime.Cluster;
using MemOS.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Silo.Tests.Cluster;

/// <summary>The client SDK of a cluster: it learns the membership from a gateway, sends each user's requests to the
/// silo owning the user's MemScheduler, fails over to the next gateway, and retries transient failures (only those
/// safe to repeat).</summary>
public sealed class ClientRoutingTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Day = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_WithOneGateway_SendsEachUsersRequestsToTheOwnerOfItsScheduler()
    {
        var connectionString = await database.CreateDatabaseAsync();
        await using var a = await StartAsync(connectionString);
        await using var b = await StartAsync(connectionString);
        await using var c = await StartAsync(connectionString);
        EmbeddedSilo[] silos = [a, b, c];
        foreach (var silo in silos)
        {
            var membership = silo.Services.GetRequiredService<IClusterMembership>();
            await Eventually.TrueAsync(() => membership.View.PlacementSilos.Count == 3, "every silo sees three");
        }

        var recorder = new RecordingHandler();
        using var client = new MemOSClient(new MemOSClientOptions { Gateways = [a.BaseAddress] }, recorder);
        var view = a.Services.GetRequiredService<IClusterMembership>().View;
        var ids = view.PlacementSilos.Select(static m => m.SiloId).ToArray();
        for (var i = 0; i < 12; i++)
        {
            var user = $"route{i}";
            var owner = view.PlacementSilos[RendezvousHash.Owner(MemCubeKeys.SchedulerGrainType, MemCubeKeys.Scheduler(MemCubeKeys.DefaultTenant, user), ids)];
            recorder.Requests.Clear();

            var added = await client.AddAsync(new AddMemoriesRequest(user, [new ConversationMessage("m1", "Ana", $"Ana's bike is number {i}.", Day)], "c"), Ct);
            await client.SearchAsync(new SearchRequest(user, "bike"), Ct);
            await client.GetAsync(user, added.Memories[0].Memory.Id, Ct);

            Assert.Equal(owner.Endpoint, await client.ResolveAsync(user, Ct));
            Assert.All(recorder.Requests.Where(static r => r.AbsolutePath.StartsWith("/v1/memories", StringComparison.Ordinal) || r.AbsolutePath == "/v1/search"),
                r => Assert.Equal(owner.Endpoint.Authority, r.Authority));
        }

        // Each silo answered for the users it owns, so no scheduler call was forwarded: each user has one activation, on its owner.
        var schedulers = silos.Select(static s => s.Services.GetRequiredService<GrainRuntime>().LiveActivationsByType()
            .GetValueOrDefault(MemCubeKeys.SchedulerGrainType)).ToArray();
        Assert.Equal(12, schedulers.Sum());
        Assert.Equal(3, (await client.GetMembersAsync(Ct)).PlacementSilos.Count);
    }

    [Fact]
    public async Task Client_FirstGatewayDown_UsesTheNext_AndRoutesAroundASiloThatStopped()
    {
        var connectionString = await database.CreateDatabaseAsync();
        await using var a = await StartAsync(connectionString);
        var b = await StartAsync(connectionString);
        foreach (var silo in new[] { a, b })
        {
            var membership = silo.Services.GetRequiredService<IClusterMembership>();
            await Eventually.TrueAsync(() => membership.View.PlacementSilos.Count == 2, "both silos see two");
        }

        var dead = new Uri($"http://127.0.0.1:{FreePort()}/");
        using var client = new MemOSClient(new MemOSClientOptions { Gateways = [dead, a.BaseAddress], RetryDelay = TimeSpan.FromMilliseconds(20) });
        var bId = b.Services.GetRequiredService<IClusterMembership>().LocalSiloId;
        var ids = a.Services.GetRequiredService<IClusterMembership>().View.PlacementSilos.Select(static m => m.SiloId).ToArray();
        var user = Enumerable.Range(0, 1000).Select(i => $"onb{i}")
            .First(u => ids[RendezvousHash.Owner(MemCubeKeys.SchedulerGrainType, MemCubeKeys.Scheduler(MemCubeKeys.DefaultTenant, u), ids)] == bId);
        var memory = (await client.AddAsync(new AddMemoriesRequest(user, [new ConversationMessage("m1", "Ana", "Ana plays the cello.", Day)], "c"), Ct))
            .Memories[0].Memory;
        Assert.Equal(b.BaseAddress, await client.ResolveAsync(user, Ct));

        // B stops (gracefully): the client's membership still names it; the refused connection sends it back to a gateway.
        await b.DisposeAsync();
        Assert.Equal("Ana plays the cello.", (await client.GetAsync(user, memory.Id, Ct)).Text);
        Assert.Equal(a.BaseAddress, await client.ResolveAsync(user, Ct));
    }

    [Fact]
    public async Task Client_TransientAnswers_RetriesOnlyWhatIsSafeToRepeat()
    {
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable);
        using var client = new MemOSClient(
            new MemOSClientOptions { Gateways = [new Uri("http://silo.test/")], RouteToOwner = false, RetryDelay = TimeSpan.FromMilliseconds(1) }, handler);

        // A search is a read: retried through two 503s.
        var response = await client.SearchAsync(new SearchRequest("ana", "cello"), Ct);
        Assert.Empty(response.Hits);
        Assert.Equal(3, handler.Calls);

        // An add without a conversation id could store its memories twice: a 503 is not retried...
        handler.Reset(HttpStatusCode.ServiceUnavailable);
        var refused = await Assert.ThrowsAsync<MemOSApiException>(() =>
            client.AddAsync(new AddMemoriesRequest("ana", [new ConversationMessage("m1", "Ana", "text")]), Ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(1, handler.Calls);

        // ...with one, the message ids make a repeat harmless.
        handler.Reset(HttpStatusCode.ServiceUnavailable);
        await client.AddAsync(new AddMemoriesRequest("ana", [new ConversationMessage("m1", "Ana", "text")], "c"), Ct);
        Assert.Equal(2, handler.Calls);

        // A 4xx is an answer, not a transient failure.
        handler.Reset(HttpStatusCode.NotFound);
        await Assert.ThrowsAsync<MemOSApiException>(() => client.GetAsync("ana", "m", Ct));
        Assert.Equal(1, handler.Calls);
    }

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecordingHandler : DelegatingHandler
    {
        public RecordingHandler()
            : base(new SocketsHttpHandler())
        {
        }

        public ConcurrentQueue<Uri> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers with the scripted failures first, then 200 with an empty search or add answer.</summary>
    private sealed class ScriptedHandler(params HttpStatusCode[] failures) : HttpMessageHandler
    {
        private Queue<HttpStatusCode> _failures = new(failures);

        public int Calls { get; private set; }

        public void Reset(params HttpStatusCode[] failures)
        {
            _failures = new Queue<HttpStatusCode>(failures);
            Calls = 0;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            if (_failures.TryDequeue(out var status))
            {
                return Task.FromResult(new HttpResponseMessage(status)
                {
                    Content = new StringContent("""{"type":"urn:memos:problem:unavailable","title":"x","status":503}""", Encoding.UTF8, "application/problem+json"),
                });
            }

            var body = request.RequestUri!.AbsolutePath == "/v1/search" ? """{"hits":[],"usedTokens":0,"context":""}""" : """{"memories":[]}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
