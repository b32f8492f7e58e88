using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Activation;

/// <summary>A plaintext memory at one version, as a source of a memory block.</summary>
/// <param name="Id">The cube id.</param>
/// <param name="Version">Its version when the block was made.</param>
public sealed record MemorySource(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("version")] long Version);
