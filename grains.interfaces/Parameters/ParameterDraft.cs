using MemOS.Grains.Interfaces.Activation;

namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>What a MemScheduler asks a parameter MemCube to become: an adapter of a base model over some memories.</summary>
/// <param name="OwnerId">The user whose memories these are.</param>
/// <param name="Sources">The memories and versions, at least one, by cube id.</param>
/// <param name="BaseModelSha256">The base model file's SHA-256.</param>
/// <param name="Rank">The LoRA rank, at least 1.</param>
/// <param name="Alpha">The LoRA alpha, positive.</param>
/// <param name="Targets">The projection kinds to adapt.</param>
/// <param name="Steps">The optimizer steps, at least 1.</param>
/// <param name="LearningRate">Adam's learning rate, positive.</param>
/// <param name="Scale">The scale chats apply it with.</param>
/// <param name="Origin"><see cref="ParameterOrigins.Policy"/> or <see cref="ParameterOrigins.Request"/>.</param>
public sealed record ParameterDraft(
    string OwnerId,
    IReadOnlyList<MemorySource> Sources,
    string BaseModelSha256,
    int Rank,
    float Alpha,
    IReadOnlyList<string> Targets,
    int Steps,
    double LearningRate,
    float Scale,
    string Origin);
