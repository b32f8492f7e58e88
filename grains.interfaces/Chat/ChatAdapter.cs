using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Chat;

/// <summary>A LoRA adapter (a parameter MemCube) a chat applied to the model.</summary>
/// <param name="Id">The parameter MemCube's id.</param>
/// <param name="Scale">The scale it was applied with.</param>
public sealed record ChatAdapter(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("scale")] float Scale);
