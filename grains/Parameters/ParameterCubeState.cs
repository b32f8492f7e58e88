using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Parameters;

namespace MemOS.Grains.Parameters;

/// <summary>The persisted state of a <see cref="ParameterCubeGrain"/>: the adapter's sources, settings, file and measured
/// effect. It holds no memory text (the adapter file, deleted when a source changes, holds what the text taught).</summary>
public sealed record ParameterCubeState
{
    /// <summary>The parameter id; empty when no cube exists.</summary>
    public string Id { get; init; } = "";

    /// <summary>The owning tenant.</summary>
    public string TenantId { get; init; } = "";

    /// <summary>The space holding the source memories.</summary>
    public string SpaceKey { get; init; } = "";

    /// <summary>The user whose memories these are.</summary>
    public string OwnerId { get; init; } = "";

    /// <summary>The adapter's state.</summary>
    public ParameterState State { get; init; } = ParameterState.Pending;

    /// <summary>The source memories and versions, by cube id.</summary>
    public IReadOnlyList<MemorySource> Sources { get; init; } = [];

    /// <summary>The base model file's SHA-256.</summary>
    public string BaseModelSha256 { get; init; } = "";

    /// <summary>The LoRA rank.</summary>
    public int Rank { get; init; }

    /// <summary>The LoRA alpha.</summary>
    public float Alpha { get; init; }

    /// <summary>The adapted projection kinds.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>The optimizer steps.</summary>
    public int Steps { get; init; }

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; }

    /// <summary>The scale chats apply the adapter with.</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Why it was made (<see cref="ParameterOrigins"/>).</summary>
    public string Origin { get; init; } = ParameterOrigins.Request;

    /// <summary>The adapter file, once written.</summary>
    public string? AdapterPath { get; init; }

    /// <summary>The training steps done.</summary>
    public int Step { get; init; }

    /// <summary>The memory texts' loss under the base model, nats per token.</summary>
    public double? LossBefore { get; init; }

    /// <summary>The memory texts' loss with the adapter, nats per token.</summary>
    public double? LossAfter { get; init; }

    /// <summary>The training time in seconds.</summary>
    public double? TrainSeconds { get; init; }

    /// <summary>When it was first requested.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its state last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When its adapter was written.</summary>
    public DateTimeOffset? ReadyAt { get; init; }

    /// <summary>Why it failed or is stale.</summary>
    public string? Reason { get; init; }

    /// <summary><see langword="true"/> when a cube was created in this state.</summary>
    public bool Exists => Id.Length > 0;

    /// <summary>The API view.</summary>
    /// <returns>The record.</returns>
    public ParameterRecord ToRecord() => new(
        Id, State, Sources, BaseModelSha256, Rank, Alpha, Targets, Steps, LearningRate, Scale, Origin, AdapterPath, Step,
        LossBefore, LossAfter, TrainSeconds, CreatedAt, UpdatedAt, ReadyAt, Reason);
}
