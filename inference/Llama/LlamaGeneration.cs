namespace MemOS.Inference.Llama;

/// <summary>What <see cref="LlamaContext.Generate"/> produced.</summary>
/// <param name="Tokens">The generated tokens, in order (not the prompt).</param>
/// <param name="PromptTokens">The prompt tokens decoded before the first one was sampled.</param>
/// <param name="TimeToFirstToken">From the call to the first sampled token: the prompt's prefill, plus one sampling.</param>
/// <param name="Elapsed">From the call to its return.</param>
/// <param name="StopReason">Why it stopped.</param>
public sealed record LlamaGeneration(
    IReadOnlyList<int> Tokens, int PromptTokens, TimeSpan TimeToFirstToken, TimeSpan Elapsed, LlamaStopReason StopReason);
