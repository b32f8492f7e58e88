using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Operations;

/// <summary>Answer of <c>GET /v1/cluster/members</c>: the silos the answering silo knows and which of them own grains,
/// so that a client can send a user's requests straight to the silo that owns the user's MemScheduler (the grain
/// <see cref="MemCubeKeys.SchedulerGrainType"/>/<see cref="MemCubeKeys.Scheduler"/>) by computing
/// <c>MemOS.Runtime.RendezvousHash.Owner</c> over <see cref="PlacementSilos"/>. Any silo answers any request anyway:
/// one that does not own the grain forwards the call.</summary>
/// <param name="GeneratedAt">When the snapshot was taken.</param>
/// <param name="Silo">The silo answering.</param>
/// <param name="Silos">Every silo it knows, itself included, ordered by id.</param>
/// <param name="PlacementSilos">The ids of the silos that own grains (status <c>active</c> or <c>shutting_down</c>),
/// ordered by id: the candidates of rendezvous placement.</param>
/// <param name="Placement">The placement function: <c>rendezvous-xxh3-64</c> (see <c>MemOS.Runtime.RendezvousHash</c>).</param>
public sealed record ClusterMembers(
    [property: JsonPropertyName("generatedAt")] DateTimeOffset GeneratedAt,
    [property: JsonPropertyName("silo")] SiloInfo Silo,
    [property: JsonPropertyName("silos")] IReadOnlyList<SiloInfo> Silos,
    [property: JsonPropertyName("placementSilos")] IReadOnlyList<string> PlacementSilos,
    [property: JsonPropertyName("placement")] string Placement)
{
    /// <summary>The value of <see cref="Placement"/> this version computes.</summary>
    public const string RendezvousPlacement = "rendezvous-xxh3-64";
}
