using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>The dense vector of a memory's text and the embedder model that produced it.</summary>
/// <param name="ModelId">The embedder's model id (for example <c>glove-6b-100d-sif</c>); vectors of different models
/// are never compared.</param>
/// <param name="Vector">The unit-norm (or zero) float32 vector.</param>
public sealed record MemoryEmbedding(
    [property: JsonPropertyName("modelId")] string ModelId,
    [property: JsonPropertyName("vector")] float[] Vector);
