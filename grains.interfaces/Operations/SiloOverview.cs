using System.Text.Json.Serialization;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Interfaces.Operations;

/// <summary>Answer of <c>GET /v1/admin/overview</c>: what a silo knows of the cluster and its tenants, the data of
/// the <c>/dashboard</c> page. Counts and ids only, never memory text.</summary>
/// <param name="GeneratedAt">When the snapshot was taken.</param>
/// <param name="Silo">The silo answering.</param>
/// <param name="Silos">Every silo it knows, itself included (the members of the cluster's membership table; itself
/// alone for an embedded silo), ordered by id.</param>
/// <param name="Activations">Live grain activations by grain type.</param>
/// <param name="Cubes">Stored MemCubes by tenant, kind and lifecycle state.</param>
/// <param name="Scheduler">MemScheduler activity since the silo started.</param>
/// <param name="RecentEvents">The latest lifecycle events, newest first.</param>
public sealed record SiloOverview(
    [property: JsonPropertyName("generatedAt")] DateTimeOffset GeneratedAt,
    [property: JsonPropertyName("silo")] SiloInfo Silo,
    [property: JsonPropertyName("silos")] IReadOnlyList<SiloInfo> Silos,
    [property: JsonPropertyName("activations")] IReadOnlyList<ActivationCount> Activations,
    [property: JsonPropertyName("cubes")] IReadOnlyList<CubeCount> Cubes,
    [property: JsonPropertyName("scheduler")] SchedulerActivity Scheduler,
    [property: JsonPropertyName("recentEvents")] IReadOnlyList<LifecycleEvent> RecentEvents);

/// <summary>One silo.</summary>
/// <param name="Id">Its id, unique per process start.</param>
/// <param name="Address">Its base address.</param>
/// <param name="Status">Its membership status (<c>joining</c>, <c>active</c>, <c>shutting_down</c>, <c>dead</c>).</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Version">The MemOS version it runs.</param>
public sealed record SiloInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("version")] string Version);

/// <summary>Live activations of one grain type.</summary>
/// <param name="GrainType">The grain type name (<c>memcube</c>, <c>memscheduler</c>).</param>
/// <param name="Count">Live activations.</param>
public sealed record ActivationCount(
    [property: JsonPropertyName("grainType")] string GrainType,
    [property: JsonPropertyName("count")] long Count);

/// <summary>Stored MemCubes of one tenant, kind and state.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Kind">The memory kind.</param>
/// <param name="State">The lifecycle state.</param>
/// <param name="Count">How many.</param>
public sealed record CubeCount(
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("state")] MemCubeLifecycle State,
    [property: JsonPropertyName("count")] long Count);

/// <summary>MemScheduler activity on a silo since it started.</summary>
/// <param name="Searches">Searches served.</param>
/// <param name="Adds">Add requests served.</param>
/// <param name="MemoriesAdded">MemCubes created from them.</param>
/// <param name="EmbedderModel">The embedder model id.</param>
public sealed record SchedulerActivity(
    [property: JsonPropertyName("searches")] long Searches,
    [property: JsonPropertyName("adds")] long Adds,
    [property: JsonPropertyName("memoriesAdded")] long MemoriesAdded,
    [property: JsonPropertyName("embedderModel")] string EmbedderModel);
