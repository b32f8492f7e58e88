using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>A memory fused into another as a near-duplicate (MemOperator): the merged cube's id and its provenance,
/// kept by the survivor so that no source message is lost.</summary>
/// <param name="CubeId">The merged cube (now <see cref="MemCubeLifecycle.Merged"/>, <c>mergedInto</c> the survivor).</param>
/// <param name="Provenance">Its provenance (conversation, message ids, speaker, time).</param>
public sealed record FusedSource(
    [property: JsonPropertyName("cubeId")] string CubeId,
    [property: JsonPropertyName("provenance")] MemoryProvenance Provenance);
