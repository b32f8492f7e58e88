using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Activation;

/// <summary>The states of an activation MemCube (a KV cache of a memory block).</summary>
/// <remarks>Pending -> Ready (computed) or Failed; Ready -> Evicted (the KV cache store dropped it to stay within its
/// cap); Pending or Ready -> Demoted (cold: the cache is dropped); Demoted, Evicted or Failed -> Pending (promoted or
/// requested again); any state -> Stale (a source memory changed version or was erased: the cache is dropped, and
/// the cube is never used again: the new versions make another block).</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<ActivationState>))]
public enum ActivationState
{
    /// <summary>Requested; its KV cache is being computed by a worker.</summary>
    Pending,

    /// <summary>Its KV cache is stored: chats over exactly its block restore it instead of prefilling the text.</summary>
    Ready,

    /// <summary>A source memory changed version or was erased; the cache was dropped. Final.</summary>
    Stale,

    /// <summary>Cold (unused for long, or pushed out by hotter blocks); the cache was dropped.</summary>
    Demoted,

    /// <summary>The KV cache store evicted its cache (least recently used, to stay within its size cap).</summary>
    Evicted,

    /// <summary>Its KV cache could not be computed or stored.</summary>
    Failed,
}
