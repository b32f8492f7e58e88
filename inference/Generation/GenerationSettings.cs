namespace MemOS.Inference.Generation;

/// <summary>How many tokens to generate and how to pick them.</summary>
public sealed record GenerationSettings
{
    /// <summary>The most tokens generated, at least 1. Default 64.</summary>
    public int MaxTokens { get; init; } = 64;

    /// <summary>The softmax temperature, at least 0; 0 is greedy decoding (always the most likely token). Default 0.</summary>
    public float Temperature { get; init; }

    /// <summary>The seed of sampled decoding (ignored when greedy). Default 42.</summary>
    public uint Seed { get; init; } = 42;

    /// <summary>LoRA adapters applied to the model for this generation only (parameter memory), each file at most once.
    /// Default none.</summary>
    public IReadOnlyList<GenerationAdapter> Adapters { get; init; } = [];
}
