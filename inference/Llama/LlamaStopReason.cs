namespace MemOS.Inference.Llama;

/// <summary>Why <see cref="LlamaContext.Generate"/> stopped.</summary>
public enum LlamaStopReason
{
    /// <summary>It produced the most tokens it was asked for.</summary>
    MaxTokens,

    /// <summary>It produced an end-of-generation token (<see cref="LlamaModel.IsEndOfGeneration"/>), which is the last
    /// token returned.</summary>
    EndOfGeneration,

    /// <summary>The caller's token callback returned <see langword="false"/>.</summary>
    Stopped,
}
