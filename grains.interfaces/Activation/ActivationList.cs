using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Activation;

/// <summary>Answer to <c>GET /v1/memories/activations</c>: a user's activation MemCubes, oldest first.</summary>
/// <param name="Activations">The activation MemCubes.</param>
public sealed record ActivationList(
    [property: JsonPropertyName("activations")] IReadOnlyList<ActivationRecord> Activations);
