using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>Answer to <c>GET /v1/memories/{id}/history</c>.</summary>
/// <param name="Id">The cube id.</param>
/// <param name="Versions">Every version, oldest first.</param>
public sealed record MemoryHistory(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("versions")] IReadOnlyList<MemoryVersion> Versions);
