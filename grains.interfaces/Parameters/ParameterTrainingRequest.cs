namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>A training job for a worker: the parameter MemCube to report to and the texts to train on.</summary>
/// <param name="ParameterKey">The parameter MemCube's grain key.</param>
/// <param name="Texts">The memory texts, at least one.</param>
/// <param name="Draft">The settings (rank, alpha, targets, steps, learning rate, base model hash).</param>
public sealed record ParameterTrainingRequest(string ParameterKey, IReadOnlyList<string> Texts, ParameterDraft Draft);
