using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Chat;

/// <summary>One memory a chat used.</summary>
/// <param name="Id">The cube id.</param>
/// <param name="Version">The version used.</param>
/// <param name="Form"><see cref="MemoryForms.Activation"/> or <see cref="MemoryForms.Plaintext"/>.</param>
/// <param name="Rendered">The memory's line (<c>[8 May 2023] Caroline: text</c>).</param>
public sealed record ChatMemory(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("form")] string Form,
    [property: JsonPropertyName("rendered")] string Rendered);
