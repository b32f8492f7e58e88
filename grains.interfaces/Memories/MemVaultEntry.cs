using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>The payload of an archived MemCube, kept in the MemVault (cold storage) while the cube's hot state holds
/// only its metadata: the text, the vector and the version history.</summary>
/// <param name="Text">The cube's text.</param>
/// <param name="Embedding">The cube's stored vector, or null.</param>
/// <param name="History">Every version up to and including the one that archived it, oldest first.</param>
/// <param name="ArchivedAt">When it was archived.</param>
public sealed record MemVaultEntry(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("embedding")] MemoryEmbedding? Embedding,
    [property: JsonPropertyName("history")] IReadOnlyList<MemoryVersion> History,
    [property: JsonPropertyName("archivedAt")] DateTimeOffset ArchivedAt);
