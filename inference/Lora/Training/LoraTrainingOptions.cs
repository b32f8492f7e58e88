namespace MemOS.Inference.Lora.Training;

/// <summary>How <see cref="LoraTrainer"/> trains an adapter.</summary>
public sealed record LoraTrainingOptions
{
    /// <summary>The rank <c>r</c> of every target. Default 8.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>The LoRA alpha: the update is scaled by <c>alpha / r</c>. Default 16.</summary>
    public float Alpha { get; init; } = 16f;

    /// <summary>The projection kinds adapted in every layer (a subset of <see cref="LlamaTrainingModel.ProjectionKinds"/>).
    /// Default the attention projections <c>attn_q</c>, <c>attn_k</c>, <c>attn_v</c>, <c>attn_output</c>.</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["attn_q", "attn_k", "attn_v", "attn_output"];

    /// <summary>Optimizer steps, each over all the texts (full batch). Default 100.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Adam's learning rate η. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The seed of the random initialization of <c>A</c>. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>The most tokens of one text trained on (longer texts are cut). Default 256.</summary>
    public int MaxTokensPerText { get; init; } = 256;

    /// <summary>Replay texts that keep the adapter close to the base model elsewhere: training adds
    /// <see cref="ReplayWeight"/> times the mean, over their positions, of <c>KL(p_base ‖ p_adapter)</c>, the base
    /// model's next-token distribution to the adapted one's (self-distillation against forgetting). Used by the text
    /// overload of <see cref="LoraTrainer.Train(string, IReadOnlyList{string}, LoraTrainingOptions?, Action{LoraTrainingProgress}?, CancellationToken)"/>.
    /// Default none.</summary>
    public IReadOnlyList<string> ReplayTexts { get; init; } = [];

    /// <summary>The weight λ of the replay divergence against the memory texts' cross-entropy. Default 1.</summary>
    public double ReplayWeight { get; init; } = 1;

    /// <summary>Optional JSON recorded as the adapter's provenance (for example the plaintext memory ids). Default none.</summary>
    public string? Provenance { get; init; }
}
