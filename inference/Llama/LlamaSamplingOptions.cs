namespace MemOS.Inference.Llama;

/// <summary>How <see cref="LlamaSampler.Create"/> picks the next token: llama.cpp's chain top-k, then top-p, then
/// temperature, then a seeded draw from the distribution that is left; or the most likely token when
/// <see cref="Temperature"/> is 0.</summary>
public sealed record LlamaSamplingOptions
{
    /// <summary>The greedy options (temperature 0): always the most likely token.</summary>
    public static LlamaSamplingOptions Greedy { get; } = new() { Temperature = 0 };

    /// <summary>The softmax temperature, at least 0: logits are divided by it before the draw; 0 for greedy decoding
    /// (the other options are then ignored). Default 0.8.</summary>
    public float Temperature { get; init; } = 0.8f;

    /// <summary>Keep only the k most likely tokens; 0 for no limit. Default 40.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Nucleus sampling: keep the most likely tokens whose probabilities add up to at least p, in (0, 1];
    /// 1 for no limit. Default 0.95.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>The seed of the draw: the same seed, logits and options give the same tokens. Default 42. (llama.cpp
    /// takes <c>0xFFFFFFFF</c> to mean a random seed; it is refused here so that sampling stays reproducible.)</summary>
    public uint Seed { get; init; } = 42;
}
