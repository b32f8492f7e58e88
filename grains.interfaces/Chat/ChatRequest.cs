using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Chat;

/// <summary>Body of <c>POST /v1/chat</c>: answer a message with the user's memories.</summary>
/// <param name="User">The user whose memories are used.</param>
/// <param name="Message">The message: 1-4,096 characters.</param>
/// <param name="TokenBudget">The most tokens (ceil(chars/4), as for search) the retrieved memories may take: 1-100,000;
/// default <c>MemOS:Scheduler:ChatTokenBudget</c>. Fewer are used when the model's context is smaller.</param>
/// <param name="MaxTokens">The most tokens generated: 1-2,048; default <c>MemOS:Scheduler:ChatMaxTokens</c>.</param>
/// <param name="Temperature">Sampling temperature, 0-2; 0 (the default) is greedy decoding.</param>
/// <param name="Seed">The seed of sampled decoding, 0-4,294,967,295; default 42.</param>
/// <param name="Space">The space: a shared space's name, or <c>u:{user}</c>; default: the user's private space.</param>
public sealed record ChatRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("tokenBudget")] int? TokenBudget = null,
    [property: JsonPropertyName("maxTokens")] int? MaxTokens = null,
    [property: JsonPropertyName("temperature")] double? Temperature = null,
    [property: JsonPropertyName("seed")] long? Seed = null,
    [property: JsonPropertyName("space")] string? Space = null);
