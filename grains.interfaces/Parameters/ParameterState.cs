using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>The states of a parameter MemCube (a LoRA adapter trained on plaintext memories).</summary>
/// <remarks>Pending -> Training (a worker took it) -> Ready (its adapter file is written) or Failed; Failed or Stale
/// -> Pending (requested again); any state -> Stale (a source memory changed version or was erased: the adapter is
/// no longer applied, and its file is deleted, since it holds what the erased text taught).</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<ParameterState>))]
public enum ParameterState
{
    /// <summary>Requested; queued on a training worker.</summary>
    Pending,

    /// <summary>A worker is training its adapter.</summary>
    Training,

    /// <summary>Its adapter file is written: chats of its user apply it.</summary>
    Ready,

    /// <summary>Training failed (see the reason).</summary>
    Failed,

    /// <summary>A source memory changed version or was erased; the adapter is not applied and its file is deleted.</summary>
    Stale,
}
