using MemOS.Grains.Interfaces.Activation;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>A KV-precompute worker: takes batches of requests from MemSchedulers, decodes the queued blocks as
/// multi-sequence batches on the silo's generation model, stores their KV caches and tells each activation MemCube.
/// One activation per silo, with key <see cref="LocalKey"/> (the runtime has no stateless workers yet; see the
/// implementation).</summary>
public interface IKvPrecomputeWorkerGrain : IGrainWithStringKey
{
    /// <summary>The key of the worker of the silo the caller runs on.</summary>
    const string LocalKey = "local";

    /// <summary>Queues requests and returns at once; the worker decodes them in its next turns, together with whatever
    /// else is queued by then.</summary>
    /// <param name="requests">At least one request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the requests are queued.</returns>
    /// <exception cref="ArgumentException">No requests, or a request without key or context.</exception>
    Task EnqueueAsync(IReadOnlyList<KvPrecomputeRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>Decodes everything queued (the worker calls this on itself after an enqueue; others need not).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many requests it processed.</returns>
    Task<int> DrainAsync(CancellationToken cancellationToken = default);
}
