using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Chat;

/// <summary>Answer to <c>POST /v1/chat</c>.</summary>
/// <param name="Text">The generated text.</param>
/// <param name="Tokens">The generated token ids, in order.</param>
/// <param name="Memories">The memories in the prompt, in block order, with the form each took.</param>
/// <param name="Form">The form of the memory block: <see cref="MemoryForms.Activation"/> (restored from its KV cache),
/// <see cref="MemoryForms.Plaintext"/>, or null when no memory was retrieved.</param>
/// <param name="ActivationId">The activation MemCube restored, or the one known for this block, or null.</param>
/// <param name="PromptTokens">Tokens the model decoded before generating: the message's alone with activation, the
/// memories' and the message's with plaintext.</param>
/// <param name="MemoryTokens">Tokens the memory block takes under the model (0 without memories).</param>
/// <param name="TimeToFirstTokenMs">From the start of prompt processing (KV restore or prefill) to the first generated
/// token, in milliseconds; retrieval is not included.</param>
/// <param name="GenerationMs">From the start of prompt processing to the last token, in milliseconds.</param>
/// <param name="RetrievalMs">The memory search and prompt assembly, in milliseconds.</param>
/// <param name="StopReason"><c>max_tokens</c>, <c>end_of_generation</c> or <c>stopped</c>.</param>
/// <param name="Model">The generation model's name.</param>
/// <param name="CacheMiss">True when the block's activation was ready but the KV cache store no longer had it (it
/// was prefilled as text, and the activation marked evicted).</param>
/// <param name="Adapters">The user's parameter MemCubes (LoRA adapters) applied to the model for this answer, with their
/// scales; empty when none (null only from senders that predate parameter memory).</param>
public sealed record ChatResponse(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("tokens")] IReadOnlyList<int> Tokens,
    [property: JsonPropertyName("memories")] IReadOnlyList<ChatMemory> Memories,
    [property: JsonPropertyName("form")] string? Form,
    [property: JsonPropertyName("activationId")] string? ActivationId,
    [property: JsonPropertyName("promptTokens")] int PromptTokens,
    [property: JsonPropertyName("memoryTokens")] int MemoryTokens,
    [property: JsonPropertyName("timeToFirstTokenMs")] double TimeToFirstTokenMs,
    [property: JsonPropertyName("generationMs")] double GenerationMs,
    [property: JsonPropertyName("retrievalMs")] double RetrievalMs,
    [property: JsonPropertyName("stopReason")] string StopReason,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("cacheMiss")] bool CacheMiss = false,
    [property: JsonPropertyName("adapters")] IReadOnlyList<ChatAdapter>? Adapters = null);
