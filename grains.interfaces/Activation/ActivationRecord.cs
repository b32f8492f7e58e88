using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Activation;

/// <summary>An activation MemCube as the API shows it: the KV cache of one memory block under one model and prompt
/// template, and what it was made from.</summary>
/// <param name="Id">The activation id (<c>act-</c> and 40 hex digits, from the model, template and sources).</param>
/// <param name="State">Its state.</param>
/// <param name="Sources">The plaintext memories of the block and their versions, in block order (by cube id).</param>
/// <param name="ModelSha256">The SHA-256 of the model file the cache is (to be) computed with.</param>
/// <param name="Template">The prompt template's name and version.</param>
/// <param name="CacheKey">The KV cache store's entry id (<c>KvCacheKey.Id</c>).</param>
/// <param name="TokenCount">The tokens the block takes under the model and template.</param>
/// <param name="SizeBytes">The size of the stored KV state in bytes; 0 until it is computed.</param>
/// <param name="Origin"><c>promotion</c> (the MemScheduler's policy) or <c>request</c> (a caller asked for it).</param>
/// <param name="CreatedAt">When it was first requested.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="ReadyAt">When its cache was last stored, or null.</param>
/// <param name="LastUsedAt">When a chat last restored it, or null.</param>
/// <param name="UseCount">How many chats restored it.</param>
/// <param name="Reason">Why it is stale, demoted, evicted or failed; null otherwise.</param>
public sealed record ActivationRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("state")] ActivationState State,
    [property: JsonPropertyName("sources")] IReadOnlyList<MemorySource> Sources,
    [property: JsonPropertyName("modelSha256")] string ModelSha256,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("cacheKey")] string CacheKey,
    [property: JsonPropertyName("tokenCount")] int TokenCount,
    [property: JsonPropertyName("sizeBytes")] long SizeBytes,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("readyAt")] DateTimeOffset? ReadyAt,
    [property: JsonPropertyName("lastUsedAt")] DateTimeOffset? LastUsedAt,
    [property: JsonPropertyName("useCount")] long UseCount,
    [property: JsonPropertyName("reason")] string? Reason);
