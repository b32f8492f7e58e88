using System.Text.Json.Serialization;
using MemOS.Benchmarks.Scheduling;

namespace MemOS.Benchmarks.Cluster;

/// <summary>What <c>cluster-throughput</c> measured.</summary>
/// <param name="Cores">Logical processors of this machine (silos, PostgreSQL and the load generator share them).</param>
/// <param name="Users">Users the load spread over.</param>
/// <param name="MessagesPerAdd">Messages per add request.</param>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="Rounds">Interleaved rounds each configuration's load was split into.</param>
/// <param name="Throughput">One entry per cluster size and client.</param>
/// <param name="Forwarding">The cost of a forwarded call against a direct one.</param>
public sealed record ClusterBenchmarkReport(
    [property: JsonPropertyName("cores")] int Cores,
    [property: JsonPropertyName("users")] int Users,
    [property: JsonPropertyName("messages_per_add")] int MessagesPerAdd,
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("rounds")] int Rounds,
    [property: JsonPropertyName("throughput")] IReadOnlyList<ThroughputResult> Throughput,
    [property: JsonPropertyName("forwarding")] ForwardingResult Forwarding);

/// <summary>Add and search throughput of one configuration.</summary>
/// <param name="Silos">Silos in the cluster.</param>
/// <param name="Client"><c>routed</c>: the SDK sends each user's requests to its MemScheduler's silo;
/// <c>round-robin</c>: requests rotate over the silos, which forward what they do not own.</param>
/// <param name="AddsPerSecond">Add requests completed per second.</param>
/// <param name="MemoriesPerSecond">Memories stored per second.</param>
/// <param name="Add">Latency of one add request.</param>
/// <param name="ForwardedPerAdd">Grain calls forwarded from one silo to another per add request: the request's own
/// MemScheduler call when it reached a silo that does not own it, and any call that grain makes to a grain elsewhere.
/// Counted process-wide, so a background call of another configuration's silos in the same moment counts too.</param>
/// <param name="SearchesPerSecond">Searches completed per second.</param>
/// <param name="Search">Latency of one search.</param>
/// <param name="ForwardedPerSearch">Grain calls forwarded between silos per search.</param>
public sealed record ThroughputResult(
    [property: JsonPropertyName("silos")] int Silos,
    [property: JsonPropertyName("client")] string Client,
    [property: JsonPropertyName("adds_per_s")] double AddsPerSecond,
    [property: JsonPropertyName("memories_per_s")] double MemoriesPerSecond,
    [property: JsonPropertyName("add")] LatencySummary Add,
    [property: JsonPropertyName("forwarded_per_add")] double ForwardedPerAdd,
    [property: JsonPropertyName("searches_per_s")] double SearchesPerSecond,
    [property: JsonPropertyName("search")] LatencySummary Search,
    [property: JsonPropertyName("forwarded_per_search")] double ForwardedPerSearch);

/// <summary>A grain call on the silo that owns the grain against the same call made on another silo (forwarded
/// over HTTP), interleaved one by one; and the same for a REST request.</summary>
/// <param name="GrainDirect"><c>IMemCubeGrain.GetAsync</c> through the owner's <c>IGrainFactory</c> (in-process).</param>
/// <param name="GrainForwarded">Through another silo's <c>IGrainFactory</c>.</param>
/// <param name="GrainRatio">Median forwarded / median direct.</param>
/// <param name="RestDirect"><c>GET /v1/memories/{id}</c> sent to the silo of the user's MemScheduler and of the MemCube.</param>
/// <param name="RestForwarded">The same request sent to another silo.</param>
/// <param name="RestRatio">Median forwarded / median direct.</param>
public sealed record ForwardingResult(
    [property: JsonPropertyName("grain_direct")] LatencySummary GrainDirect,
    [property: JsonPropertyName("grain_forwarded")] LatencySummary GrainForwarded,
    [property: JsonPropertyName("grain_ratio")] double GrainRatio,
    [property: JsonPropertyName("rest_direct")] LatencySummary RestDirect,
    [property: JsonPropertyName("rest_forwarded")] LatencySummary RestForwarded,
    [property: JsonPropertyName("rest_ratio")] double RestRatio);

/// <summary>Source-generated JSON metadata of the report.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ClusterBenchmarkReport))]
public sealed partial class ClusterBenchmarkJsonContext : JsonSerializerContext;
