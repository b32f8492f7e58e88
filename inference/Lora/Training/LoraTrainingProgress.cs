namespace MemOS.Inference.Lora.Training;

/// <summary>Where a <see cref="LoraTrainer"/> run stands after a step.</summary>
/// <param name="Step">The steps done, 1 to <paramref name="Steps"/>.</param>
/// <param name="Steps">The steps of the run.</param>
/// <param name="Loss">The mean next-token cross-entropy (nats per token) over the texts before this step's update.</param>
/// <param name="Elapsed">The time since training began.</param>
/// <param name="ReplayDivergence">The mean <c>KL(p_base ‖ p_adapter)</c> (nats per position) over the replay texts
/// before this step's update; 0 without replay texts.</param>
public sealed record LoraTrainingProgress(int Step, int Steps, double Loss, TimeSpan Elapsed, double ReplayDivergence = 0);
