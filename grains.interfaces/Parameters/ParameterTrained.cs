namespace MemOS.Grains.Interfaces.Parameters;

/// <summary>What a worker reports when it wrote an adapter.</summary>
/// <param name="AdapterPath">The GGUF LoRA file (full path).</param>
/// <param name="LossBefore">The memory texts' mean loss under the base model, nats per token.</param>
/// <param name="LossAfter">The same with the adapter.</param>
/// <param name="TrainSeconds">The training time in seconds.</param>
public sealed record ParameterTrained(string AdapterPath, double LossBefore, double LossAfter, double TrainSeconds);
