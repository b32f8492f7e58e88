using MemOS.Grains.Interfaces.Parameters;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>A parameter MemCube: a LoRA adapter of one base model trained on the texts of some plaintext memories at
/// given versions, kept as a GGUF LoRA file in the silo's data folder. Key: <see cref="MemCubeKeys.Cube"/> with the
/// parameter id (<c>{tenant}/{spaceKey}/par-...</c>).</summary>
/// <remarks>Its states are <see cref="ParameterState"/>. The MemScheduler tells it when a source changes
/// (<see cref="InvalidateAsync"/>): it becomes Stale and deletes its file.</remarks>
public interface IParameterCubeGrain : IGrainWithStringKey
{
    /// <summary>Creates the cube in <see cref="ParameterState.Pending"/>, or asks a failed or stale one to train again
    /// (back to Pending, with the draft's sources). A pending, training or ready cube is returned unchanged.</summary>
    /// <param name="draft">The sources and settings.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube; Pending means a worker must train it.</returns>
    /// <exception cref="ArgumentException">The draft has no sources.</exception>
    Task<ParameterRecord> RequestAsync(ParameterDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Records training progress: Pending becomes Training, and the step and initial loss are kept.</summary>
    /// <param name="step">The steps done.</param>
    /// <param name="lossBefore">The loss before the first step, nats per token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ParameterRecord> ReportProgressAsync(int step, double lossBefore, CancellationToken cancellationToken = default);

    /// <summary>Records that the worker wrote the adapter: Pending or Training becomes Ready. A cube that went stale
    /// meanwhile stays so, and deletes the file.</summary>
    /// <param name="trained">The file and the measured effect.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ParameterRecord> CompleteAsync(ParameterTrained trained, CancellationToken cancellationToken = default);

    /// <summary>Records that training failed: Pending or Training becomes Failed.</summary>
    /// <param name="reason">What failed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ParameterRecord> FailAsync(string reason, CancellationToken cancellationToken = default);

    /// <summary>Marks the cube Stale because a source memory changed version or was erased, and deletes its file.</summary>
    /// <param name="sourceId">The memory that changed.</param>
    /// <param name="newVersion">Its new version, or null when it was erased.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the cube changed (false when already stale or not built on that memory).</returns>
    Task<bool> InvalidateAsync(string sourceId, long? newVersion, CancellationToken cancellationToken = default);

    /// <summary>Returns the cube.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cube.</returns>
    /// <exception cref="InvalidOperationException">The cube does not exist.</exception>
    Task<ParameterRecord> GetAsync(CancellationToken cancellationToken = default);
}
