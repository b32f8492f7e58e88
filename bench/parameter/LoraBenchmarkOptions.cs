using MemOS.Inference.Lora.Training;

namespace MemOS.Bench.Parameter;

/// <summary>What <see cref="LoraBenchmark"/> trains and measures.</summary>
public sealed record LoraBenchmarkOptions
{
    /// <summary>The base model GGUF (llama architecture, F32 or F16 weights). Required.</summary>
    public required string ModelPath { get; init; }

    /// <summary>How each of the two adapters is trained. Default rank 8, alpha 16, the attention projections, 15 steps,
    /// learning rate 2e-3, replay weight 4, seed 1 (tuned on stories260K: memory NLL −66 %, reference NLL +4.7 %).
    /// Its <see cref="LoraTrainingOptions.ReplayTexts"/> are ignored: the benchmark makes its own from
    /// <see cref="LoraBenchmark.ReplayPrompts"/>.</summary>
    public LoraTrainingOptions Training { get; init; } = new() { Rank = 8, Alpha = 16, Steps = 15, LearningRate = 2e-3, Seed = 1, ReplayWeight = 4 };

    /// <summary>The rank of the fused adapter; 0 for the sum of the two adapters' ranks (an exact fusion). Default 0.</summary>
    public int FusedRank { get; init; }

    /// <summary>The weight of each adapter in the fusion (the scale its update enters the sum with). Default 0.5: the
    /// mean of the two updates (with 1, the plain sum, the fused adapter keeps about as much of each reduction but moves
    /// the reference text far more).</summary>
    public float FusedWeight { get; init; } = 0.5f;

    /// <summary>Greedy tokens the base model generates after each neutral prompt to make the reference text. Default 48.</summary>
    public int ReferenceTokens { get; init; } = 48;

    /// <summary>CPU threads of llama.cpp; 0 for <see cref="Environment.ProcessorCount"/>. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">The model path is empty or a value is out of range (the message names it).</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ModelPath, nameof(ModelPath));
        ArgumentNullException.ThrowIfNull(Training, nameof(Training));
        ArgumentOutOfRangeException.ThrowIfNegative(FusedRank, nameof(FusedRank));
        if (!(FusedWeight > 0 && float.IsFinite(FusedWeight)))
        {
            throw new ArgumentOutOfRangeException(nameof(FusedWeight), FusedWeight, "The fusion weight is a positive finite number.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ReferenceTokens, 1, nameof(ReferenceTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(Threads, nameof(Threads));
    }
}
