using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>One entry of a MemCube's append-only version history.</summary>
/// <param name="Version">The version number, 1 for the first.</param>
/// <param name="Change">What made this version: <c>created</c>, <c>activated</c>, <c>updated</c> or <c>deleted</c>.</param>
/// <param name="State">The lifecycle state at this version.</param>
/// <param name="Text">The payload at this version (empty once the cube is erased).</param>
/// <param name="Tags">The tags at this version.</param>
/// <param name="Entities">The entities at this version.</param>
/// <param name="ValidFrom">Valid time start at this version.</param>
/// <param name="ValidTo">Valid time end at this version.</param>
/// <param name="RecordedAt">Transaction time: when this version was written.</param>
public sealed record MemoryVersion(
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("change")] string Change,
    [property: JsonPropertyName("state")] MemCubeLifecycle State,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("entities")] IReadOnlyList<string> Entities,
    [property: JsonPropertyName("validFrom")] DateTimeOffset? ValidFrom,
    [property: JsonPropertyName("validTo")] DateTimeOffset? ValidTo,
    [property: JsonPropertyName("recordedAt")] DateTimeOffset RecordedAt);
