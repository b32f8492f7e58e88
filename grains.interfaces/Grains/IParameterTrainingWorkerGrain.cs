using MemOS.Grains.Interfaces.Parameters;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>A LoRA training worker: trains parameter MemCubes' adapters on the silo's generation model, one at a time,
/// writes them to the silo's data folder and reports to each cube. One activation per silo, with key
/// <see cref="LocalKey"/>.</summary>
public interface IParameterTrainingWorkerGrain : IGrainWithStringKey
{
    /// <summary>The key of the worker of the silo the caller runs on.</summary>
    const string LocalKey = "local";

    /// <summary>Queues a training job and returns at once; the worker trains queued jobs in order, off its turns.</summary>
    /// <param name="request">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the job is queued.</returns>
    /// <exception cref="ArgumentException">The job has no key or no texts.</exception>
    Task EnqueueAsync(ParameterTrainingRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts the next queued job when none is running (the worker calls this on itself; others need not).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether a job was started.</returns>
    Task<bool> PumpAsync(CancellationToken cancellationToken = default);
}
