using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MemOS.Benchmarks.Scheduling;
using MemOS.Client;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Inference.Embeddings.Glove;
using MemOS.Runtime;
using MemOS.Runtime.Cluster;
using MemOS.Silo.Hosting;
using MemOS.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MemOS.Benchmarks.Cluster;

/// <summary>Add and search throughput of a silo cluster on PostgreSQL, for one silo and for three, and the cost of a
/// forwarded grain call against a direct one (<c>cluster-throughput</c>).</summary>
/// <remarks>
/// <para>The silos are the real program's (<see cref="EmbeddedSilo"/>: Kestrel, the REST API, the grain runtime, the
/// PostgreSQL grain storage and membership, the built-in GloVe/SIF embedder), started in this process on 127.0.0.1,
/// each on a fresh database of one throwaway PostgreSQL 15 (the tests' <see cref="PostgresServer"/>: fsync off), or
/// of the server given with <c>--postgres</c>. The load goes through the .NET client SDK over HTTP: <c>routed</c>
/// sends each user's requests to the silo that owns its MemScheduler (what the SDK does when it knows the
/// membership), <c>round-robin</c> rotates requests over the silos, which forward what they do not own.</para>
/// <para>Every configuration gets the same requests: <c>--users</c> users, each with a synthetic conversation of its
/// own (<see cref="SyntheticConversations"/>, fixed seed), added <c>--messages</c> messages per request, then
/// searched with the corpus's questions; <c>--concurrency</c> requests are in flight at once. Each silo, PostgreSQL and
/// the load generator share this machine's cores, so the figures say what one machine gives, not how a cluster of
/// machines scales.</para>
/// <para>Forwarding: on the three-silo cluster, a memory whose MemCube grain and whose user's MemScheduler live on one
/// silo B; <see cref="IMemCubeGrain.GetAsync"/> through B's <see cref="IGrainFactory"/> (in-process) and through
/// another silo A's (forwarded over HTTP as a JSON envelope), interleaved one by one; then <c>GET /v1/memories/{id}</c>
/// sent to B and to A (which forwards the MemScheduler call), interleaved.</para>
/// </remarks>
public static class ClusterThroughputHarness
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the harness and prints the figures.</summary>
    /// <param name="args">The arguments after <c>cluster-throughput</c> (<see cref="ClusterBenchmarkOptions.Usage"/>).</param>
    /// <returns>The exit code: 0; 2 for bad arguments; 3 when no PostgreSQL could be started.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        ClusterBenchmarkOptions options;
        try
        {
            options = ClusterBenchmarkOptions.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            return 2;
        }

        if (options.PostgresConnectionString is { } external)
        {
            Environment.SetEnvironmentVariable(PostgresServer.ConnectionStringVariable, external);
        }

        PostgresServer server;
        try
        {
            server = await PostgresServer.SharedAsync();
        }
        catch (PostgresUnavailableException error)
        {
            await Console.Error.WriteLineAsync($"cluster-throughput needs PostgreSQL 15: {error.Message}");
            return 3;
        }

        var vocabulary = GloveAssets.Load().Words;
        var synthetic = new SyntheticConversations(vocabulary);
        Console.WriteLine(
            $"{Environment.ProcessorCount} cores; PostgreSQL on 127.0.0.1:{server.Port}{(server.IsExternal ? " (external)" : " (throwaway, fsync off)")}; " +
            $"per configuration {options.Users} users, {options.Adds} adds of {options.MessagesPerAdd} messages, {options.Searches} searches, " +
            $"{options.Concurrency} in flight, in {options.Rounds} interleaved rounds\n");

        var databases = new List<string>();
        var clusters = new List<BenchmarkCluster>();
        try
        {
            foreach (var size in new[] { 1, 3 })
            {
                var (name, connectionString) = await server.CreateDatabaseAsync();
                databases.Add(name);
                clusters.Add(await StartClusterAsync(connectionString, size));
            }

            // Each configuration has users of its own (the same conversations under other names), so that the
            // routed and round-robin clients of the three-silo cluster do not share data.
            var configurations = new List<Configuration>
            {
                new(clusters[0], "routed", Workload.Create(synthetic, options, "one")),
                new(clusters[1], "routed", Workload.Create(synthetic, options, "routed")),
                new(clusters[1], "round-robin", Workload.Create(synthetic, options, "rr")),
            };
            foreach (var configuration in configurations)
            {
                await configuration.WarmUpAsync(options.Concurrency);
            }

            // Rounds: every configuration adds its next share, then every configuration searches its next share, the
            // order rotating from round to round, so that the machine's other load and the growing data fall on all
            // of them alike.
            for (var round = 0; round < options.Rounds; round++)
            {
                for (var c = 0; c < configurations.Count; c++)
                {
                    await configurations[(c + round) % configurations.Count].AddRoundAsync(round, options.Rounds, options.Concurrency);
                }

                for (var c = 0; c < configurations.Count; c++)
                {
                    await configurations[(c + round) % configurations.Count].SearchRoundAsync(round, options.Rounds, options.Concurrency);
                }
            }

            var throughput = configurations.Select(static c => c.Result()).ToList();
            foreach (var result in throughput)
            {
                Console.WriteLine(
                    $"{result.Silos} silo(s), {result.Client,-11}: add {result.AddsPerSecond,6:F1}/s ({result.MemoriesPerSecond,6:F1} memories/s, median {result.Add.MedianMilliseconds,6:F1} ms, p99 {result.Add.P99Milliseconds,6:F1} ms); " +
                    $"search {result.SearchesPerSecond,7:F1}/s (median {result.Search.MedianMilliseconds,5:F1} ms, p99 {result.Search.P99Milliseconds,5:F1} ms); " +
                    $"forwarded calls per add {result.ForwardedPerAdd:F2}, per search {result.ForwardedPerSearch:F2}");
            }

            var baseline = throughput[0];
            foreach (var result in throughput.Skip(1))
            {
                Console.WriteLine(
                    $"{result.Silos} silos {result.Client} / 1 silo: adds {result.AddsPerSecond / baseline.AddsPerSecond:F2}x, searches {result.SearchesPerSecond / baseline.SearchesPerSecond:F2}x");
            }

            var forwarding = await MeasureForwardingAsync(clusters[1], options.Calls);
            Console.WriteLine(
                $"grain call: direct median {forwarding.GrainDirect.MedianMilliseconds:F3} ms, forwarded {forwarding.GrainForwarded.MedianMilliseconds:F3} ms ({forwarding.GrainRatio:F1}x); " +
                $"REST GET: to the owner {forwarding.RestDirect.MedianMilliseconds:F3} ms, to another silo {forwarding.RestForwarded.MedianMilliseconds:F3} ms ({forwarding.RestRatio:F2}x)");

            var report = new ClusterBenchmarkReport(Environment.ProcessorCount, options.Users, options.MessagesPerAdd, options.Concurrency, options.Rounds, throughput, forwarding);
            if (options.JsonPath is { } json)
            {
                await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, ClusterBenchmarkJsonContext.Default.ClusterBenchmarkReport));
                Console.WriteLine($"Wrote {json}");
            }
        }
        finally
        {
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync();
            }

            foreach (var name in databases)
            {
                await server.DropDatabaseAsync(name);
            }
        }

        return 0;
    }

    private static async Task<BenchmarkCluster> StartClusterAsync(string connectionString, int size)
    {
        var silos = new List<EmbeddedSilo>();
        for (var i = 0; i < size; i++)
        {
            silos.Add(await EmbeddedSilo.StartAsync(
                Path.Combine(Path.GetTempPath(), "memos-bench-unused-" + Guid.NewGuid().ToString("N")[..8]),
                configure: builder => builder.Configuration[$"ConnectionStrings:{SiloOptions.ConnectionStringName}"] = connectionString));
        }

        var cluster = new BenchmarkCluster(silos);
        var deadline = Stopwatch.StartNew();
        while (silos.Any(s => s.Services.GetRequiredService<IClusterMembership>().View.PlacementSilos.Count != size))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await cluster.DisposeAsync();
                throw new TimeoutException($"The {size} silos did not all see each other within 60 s.");
            }

            await Task.Delay(100);
        }

        return cluster;
    }

    /// <summary>Sends the requests with <paramref name="concurrency"/> in flight; returns the wall time and each
    /// request's latency in milliseconds.</summary>
    private static async Task<(double Seconds, List<double> Milliseconds)> RunAsync<T>(
        IReadOnlyList<T> requests, int concurrency, Func<T, Task> send)
    {
        var latencies = new double[requests.Count];
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                var sent = Stopwatch.GetTimestamp();
                await send(requests[i]);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        }));
        return (Stopwatch.GetElapsedTime(started).TotalSeconds, [.. latencies]);
    }

    private static async Task<ForwardingResult> MeasureForwardingAsync(BenchmarkCluster cluster, int calls)
    {
        // A user whose MemScheduler and whose one memory's MemCube both live on one silo ("the owner"), so that a
        // request to the owner runs there entirely and the same request to another silo costs exactly one forward.
        var placement = cluster.Silos[0].Services.GetRequiredService<IClusterMembership>().View.PlacementSilos.Select(static m => m.SiloId).ToList();
        EmbeddedSilo Owner(string grainType, string key) => cluster.Silos.Single(s =>
            s.Services.GetRequiredService<IClusterMembership>().LocalSiloId == placement[RendezvousHash.Owner(grainType, key, placement)]);
        var factory = cluster.Silos[0].Services.GetRequiredService<IGrainFactory>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var user = $"forwarding{attempt}";
            var schedulerKey = MemCubeKeys.Scheduler(MemCubeKeys.DefaultTenant, user);
            var added = await factory.GetGrain<IMemSchedulerGrain>(schedulerKey)
                .AddMessagesAsync("forwarding", [new ConversationMessage("m1", "Ana", "Ana keeps bees on the roof of her flat in Porto.", Day)]);
            var id = added.Memories[0].Memory.Id;
            var cubeKey = MemCubeKeys.Cube(MemCubeKeys.DefaultTenant, MemCubeKeys.PrivateSpace(user), id);
            var owner = Owner(MemCubeKeys.SchedulerGrainType, schedulerKey);
            var cubePlacement = new MemCubePlacement().Colocate(cubeKey) ?? new PlacementTarget(MemCubeKeys.CubeGrainType, cubeKey);
            if (Owner(cubePlacement.GrainType, cubePlacement.GrainKey) != owner)
            {
                continue;
            }

            var other = cluster.Silos.First(s => s != owner);
            var direct = owner.Services.GetRequiredService<IGrainFactory>().GetGrain<IMemCubeGrain>(cubeKey);
            var forwarded = other.Services.GetRequiredService<IGrainFactory>().GetGrain<IMemCubeGrain>(cubeKey);
            using var ownerHttp = new HttpClient { BaseAddress = owner.BaseAddress };
            using var otherHttp = new HttpClient { BaseAddress = other.BaseAddress };
            var path = $"v1/memories/{Uri.EscapeDataString(id)}?user={Uri.EscapeDataString(user)}";

            var grainDirect = new List<double>();
            var grainForwarded = new List<double>();
            var restDirect = new List<double>();
            var restForwarded = new List<double>();
            var warmUp = Math.Max(10, calls / 10);
            for (var i = 0; i < warmUp + calls; i++)
            {
                await TimeAsync(() => direct.GetAsync(), i < warmUp ? null : grainDirect);
                await TimeAsync(() => forwarded.GetAsync(), i < warmUp ? null : grainForwarded);
            }

            for (var i = 0; i < warmUp + calls; i++)
            {
                await TimeAsync(() => ownerHttp.GetFromJsonAsync<JsonElement>(path), i < warmUp ? null : restDirect);
                await TimeAsync(() => otherHttp.GetFromJsonAsync<JsonElement>(path), i < warmUp ? null : restForwarded);
            }

            var grain = (Direct: LatencySummary.Of(grainDirect), Forwarded: LatencySummary.Of(grainForwarded));
            var rest = (Direct: LatencySummary.Of(restDirect), Forwarded: LatencySummary.Of(restForwarded));
            return new ForwardingResult(
                grain.Direct, grain.Forwarded, grain.Forwarded.MedianMilliseconds / grain.Direct.MedianMilliseconds,
                rest.Direct, rest.Forwarded, rest.Forwarded.MedianMilliseconds / rest.Direct.MedianMilliseconds);
        }

        throw new InvalidOperationException("No user of 100 had its MemScheduler and its MemCube on one silo.");
    }

    private static async Task TimeAsync<T>(Func<Task<T>> call, List<double>? into)
    {
        var started = Stopwatch.GetTimestamp();
        _ = await call();
        into?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>One cluster and client mode, with its requests and what was measured so far.</summary>
    private sealed class Configuration(BenchmarkCluster cluster, string mode, Workload workload)
    {
        private readonly MemOSClient _routed = new(new MemOSClientOptions { Gateways = [.. cluster.Silos.Select(static s => s.BaseAddress)], RouteToOwner = true });
        private readonly MemOSClient[] _perSilo = [.. cluster.Silos.Select(static s => new MemOSClient(s.BaseAddress))];
        private readonly List<double> _addLatencies = [];
        private readonly List<double> _searchLatencies = [];
        private int _next;
        private int _memories;
        private int _adds;
        private int _searches;
        private double _addSeconds;
        private double _searchSeconds;
        private long _forwardedByAdds;
        private long _forwardedBySearches;

        private MemOSClient Pick() => mode == "routed" ? _routed : _perSilo[(int)((uint)Interlocked.Increment(ref _next) % _perSilo.Length)];

        /// <summary>One small add and one search per user (not timed), so that every MemScheduler is activated, its
        /// index loaded and each connection pool open.</summary>
        public async Task WarmUpAsync(int concurrency)
        {
            await RunAsync(workload.WarmUpAdds, concurrency, request => Pick().AddAsync(request));
            await RunAsync(workload.WarmUpSearches, concurrency, request => Pick().SearchAsync(request));
        }

        public async Task AddRoundAsync(int round, int rounds, int concurrency)
        {
            var requests = Share(workload.Adds, round, rounds);
            using var forwarded = new ForwardedCallCounter();
            var (seconds, latencies) = await RunAsync(requests, concurrency, async request =>
            {
                var added = await Pick().AddAsync(request);
                Interlocked.Add(ref _memories, added.Memories.Count);
            });
            _forwardedByAdds += forwarded.Count;
            _addSeconds += seconds;
            _adds += requests.Count;
            _addLatencies.AddRange(latencies);
        }

        public async Task SearchRoundAsync(int round, int rounds, int concurrency)
        {
            var requests = Share(workload.Searches, round, rounds);
            using var forwarded = new ForwardedCallCounter();
            var (seconds, latencies) = await RunAsync(requests, concurrency, request => Pick().SearchAsync(request));
            _forwardedBySearches += forwarded.Count;
            _searchSeconds += seconds;
            _searches += requests.Count;
            _searchLatencies.AddRange(latencies);
        }

        public ThroughputResult Result()
        {
            _routed.Dispose();
            foreach (var client in _perSilo)
            {
                client.Dispose();
            }

            return new ThroughputResult(
                cluster.Silos.Count, mode,
                _adds / _addSeconds, _memories / _addSeconds, LatencySummary.Of(_addLatencies), (double)_forwardedByAdds / _adds,
                _searches / _searchSeconds, LatencySummary.Of(_searchLatencies), (double)_forwardedBySearches / _searches);
        }

        private static List<T> Share<T>(IReadOnlyList<T> all, int round, int rounds)
        {
            var from = all.Count * round / rounds;
            var to = all.Count * (round + 1) / rounds;
            return [.. all.Skip(from).Take(to - from)];
        }
    }

    /// <summary>The requests of one configuration.</summary>
    private sealed record Workload(
        IReadOnlyList<AddMemoriesRequest> WarmUpAdds,
        IReadOnlyList<SearchRequest> WarmUpSearches,
        IReadOnlyList<AddMemoriesRequest> Adds,
        IReadOnlyList<SearchRequest> Searches)
    {
        public static Workload Create(SyntheticConversations synthetic, ClusterBenchmarkOptions options, string userPrefix)
        {
            var users = Enumerable.Range(0, options.Users).Select(i => $"{userPrefix}{i:D3}").ToList();
            var conversations = synthetic.Conversations().Take(options.Users).ToList();
            var questions = synthetic.Questions(Math.Max(64, options.Users));
            var addsPerUser = (options.Adds + options.Users - 1) / options.Users;
            var warmUpAdds = new List<AddMemoriesRequest>();
            var adds = new List<AddMemoriesRequest>();
            for (var u = 0; u < users.Count; u++)
            {
                var conversation = conversations[u % conversations.Count];
                var messages = conversation.Messages;
                warmUpAdds.Add(new AddMemoriesRequest(users[u], [messages[0]], conversation.Id));
                for (var a = 0; a < addsPerUser; a++)
                {
                    var start = 1 + a * options.MessagesPerAdd;
                    var slice = Enumerable.Range(start, options.MessagesPerAdd).Select(m => messages[m % messages.Count]).ToList();
                    adds.Add(new AddMemoriesRequest(users[u], slice, conversation.Id));
                }
            }

            // Interleave users (request i is user i mod n) so that concurrent requests mostly hit different grains.
            var interleaved = adds.Select((request, index) => (request, index))
                .OrderBy(x => x.index % addsPerUser).ThenBy(x => x.index / addsPerUser)
                .Select(static x => x.request).Take(options.Adds).ToList();
            var warmUpSearches = users.Select((u, i) => new SearchRequest(u, questions[i % questions.Count], 10)).ToList();
            var searches = Enumerable.Range(0, options.Searches)
                .Select(i => new SearchRequest(users[i % users.Count], questions[i % questions.Count], 10)).ToList();
            return new Workload(warmUpAdds, warmUpSearches, interleaved, searches);
        }
    }

    /// <summary>Silos started in this process; stopped (gracefully) on dispose.</summary>
    private sealed class BenchmarkCluster(IReadOnlyList<EmbeddedSilo> silos) : IAsyncDisposable
    {
        public IReadOnlyList<EmbeddedSilo> Silos { get; } = silos;

        public async ValueTask DisposeAsync()
        {
            foreach (var silo in Silos.Reverse())
            {
                await silo.DisposeAsync();
            }
        }
    }
}
