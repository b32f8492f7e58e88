using System.Text.Json.Serialization;
using MemOS.Grains.Interfaces.Activation;

namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>A parameter MemCube as the API shows it: a LoRA adapter of the silo's generation model, trained on the texts
/// of some plaintext memories, with its settings and measured effect.</summary>
/// <param name="Id">The parameter id (<c>par-</c> and 40 hex digits, from the model, the sources and the settings).</param>
/// <param name="State">Its state.</param>
/// <param name="Sources">The plaintext memories it was trained on and their versions (provenance), by cube id.</param>
/// <param name="BaseModelSha256">The SHA-256 of the base model file the adapter is trained for.</param>
/// <param name="Rank">The LoRA rank <c>r</c>.</param>
/// <param name="Alpha">The LoRA alpha (the update is scaled by <c>alpha / r</c>).</param>
/// <param name="Targets">The projection kinds adapted in every layer (<c>attn_q</c>, ...).</param>
/// <param name="Steps">The optimizer steps of the training.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="Scale">The scale chats apply it with (1 as trained).</param>
/// <param name="Origin"><c>policy</c> (the MemScheduler's migration policy) or <c>request</c> (a caller asked).</param>
/// <param name="AdapterPath">The GGUF LoRA file in the silo's data folder; null until Ready.</param>
/// <param name="Step">The training steps done so far.</param>
/// <param name="LossBefore">The mean next-token loss of the memory texts under the base model, in nats per token; null
/// until training began.</param>
/// <param name="LossAfter">The same with the adapter; null until Ready.</param>
/// <param name="TrainSeconds">The training time in seconds; null until Ready.</param>
/// <param name="CreatedAt">When it was first requested.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="ReadyAt">When its adapter was written, or null.</param>
/// <param name="Reason">Why it failed or is stale; null otherwise.</param>
public sealed record ParameterRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("state")] ParameterState State,
    [property: JsonPropertyName("sources")] IReadOnlyList<MemorySource> Sources,
    [property: JsonPropertyName("baseModelSha256")] string BaseModelSha256,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("alpha")] float Alpha,
    [property: JsonPropertyName("targets")] IReadOnlyList<string> Targets,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("learningRate")] double LearningRate,
    [property: JsonPropertyName("scale")] float Scale,
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("adapterPath")] string? AdapterPath,
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("lossBefore")] double? LossBefore,
    [property: JsonPropertyName("lossAfter")] double? LossAfter,
    [property: JsonPropertyName("trainSeconds")] double? TrainSeconds,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("readyAt")] DateTimeOffset? ReadyAt,
    [property: JsonPropertyName("reason")] string? Reason);
