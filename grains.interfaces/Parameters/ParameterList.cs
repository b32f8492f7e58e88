using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>Answer to <c>GET /v1/memories/parameters</c>: a user's parameter MemCubes, oldest first.</summary>
/// <param name="Parameters">The parameter MemCubes.</param>
public sealed record ParameterList(
    [property: JsonPropertyName("parameters")] IReadOnlyList<ParameterRecord> Parameters);
