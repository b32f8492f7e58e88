using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>The component that produced a memory (a MemReader, an operator) and its version.</summary>
/// <param name="Name">The producer's name, e.g. <c>memreader.plaintext</c>.</param>
/// <param name="Version">The producer's version; a change of version means memories may be built differently.</param>
public sealed record MemoryProducer(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version);
