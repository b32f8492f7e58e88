using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Inference.Generation;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Activation;

/// <summary>The KV-precompute worker of a silo (see <see cref="IKvPrecomputeWorkerGrain"/>): queues the batches
/// MemSchedulers send, decodes the whole queue in its next turn (up to the engine's precompute batch size per
/// multi-sequence decode), and reports each cache to its activation MemCube.</summary>
/// <remarks>
/// <para>The runtime has no stateless workers (Orleans' <c>[StatelessWorker]</c>: local placement, any number of
/// activations). This worker is a grain with <see cref="LocalPlacementAttribute"/> and one key
/// (<see cref="IKvPrecomputeWorkerGrain.LocalKey"/>): each silo activates its own, never forwards calls to it, so it
/// uses that silo's model and KV cache store, the one the silo's chats read. One activation per silo also suits the
/// hardware: a decode uses every core.</para>
/// <para>Enqueueing returns at once, so a MemScheduler never waits for a decode; the worker then calls itself (a call it
/// does not await, which runs as its next turn) to drain the queue, so batches that arrive meanwhile are decoded
/// together.</para>
/// </remarks>
[GrainType(GrainTypeName)]
[LocalPlacement]
public sealed partial class KvPrecomputeWorkerGrain : Grain, IKvPrecomputeWorkerGrain
{
    /// <summary>The grain type name.</summary>
    public const string GrainTypeName = "kvprecomputeworker";

    private readonly IGenerationEngine _engine;
    private readonly ILogger<KvPrecomputeWorkerGrain> _logger;
    private readonly List<KvPrecomputeRequest> _queue = [];
    private bool _drainScheduled;

    /// <summary>Creates the worker.</summary>
    /// <param name="engine">The silo's generation engine.</param>
    /// <param name="logger">The logger.</param>
    public KvPrecomputeWorkerGrain(IGenerationEngine engine, ILogger<KvPrecomputeWorkerGrain> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task EnqueueAsync(IReadOnlyList<KvPrecomputeRequest> requests, CancellationToken cancellationToken = default)
    {
        if (requests is not { Count: > 0 })
        {
            throw new ArgumentException("At least one request is needed.", nameof(requests));
        }

        foreach (var request in requests)
        {
            if (request is null || string.IsNullOrEmpty(request.ActivationKey) || string.IsNullOrEmpty(request.MemoryContext)
                || string.IsNullOrEmpty(request.CacheKey))
            {
                throw new ArgumentException("A request names its activation, its memory context and its cache key.", nameof(requests));
            }
        }

        _queue.AddRange(requests);
        if (!_drainScheduled)
        {
            _drainScheduled = true;
            var self = GrainFactory.GetGrain<IKvPrecomputeWorkerGrain>(GetPrimaryKeyString());
            var logger = _logger;
            // Not awaited: the drain is this grain's next turn; awaiting it here would wait on ourselves.
            _ = self.DrainAsync(CancellationToken.None).ContinueWith(
                t => LogDrainFailed(logger, t.Exception!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        _drainScheduled = false;
        if (_queue.Count == 0)
        {
            return 0;
        }

        var batch = _queue.ToList();
        _queue.Clear();
        var blocks = new List<MemoryBlockPrompt>(batch.Count);
        var accepted = new List<KvPrecomputeRequest>(batch.Count);
        foreach (var request in batch)
        {
            try
            {
                var block = _engine.PrepareBlock(request.MemoryContext);
                if (block.Key.Id != request.CacheKey)
                {
                    await FailAsync(request, "the silo's model or prompt template gives the block another KV cache key", cancellationToken);
                    continue;
                }

                blocks.Add(block);
                accepted.Add(request);
            }
            catch (Exception e) when (e is MemOSException or ArgumentException)
            {
                await FailAsync(request, e.Message, cancellationToken);
            }
        }

        if (blocks.Count == 0)
        {
            return batch.Count;
        }

        IReadOnlyList<Inference.KvCache.KvCacheEntry?> entries;
        try
        {
            entries = await _engine.PrecomputeAsync(blocks, cancellationToken);
        }
        catch (Exception e) when (e is MemOSException or ArgumentException or IOException)
        {
            LogPrecomputeFailed(_logger, e, blocks.Count);
            foreach (var request in accepted)
            {
                await FailAsync(request, e.Message, cancellationToken);
            }

            return batch.Count;
        }

        for (var i = 0; i < accepted.Count; i++)
        {
            var cube = GrainFactory.GetGrain<IActivationCubeGrain>(accepted[i].ActivationKey);
            if (entries[i] is { } entry)
            {
                await cube.CompleteAsync(new KvCacheComputed(entry.Id, entry.TokenCount, entry.SizeBytes), cancellationToken);
            }
            else
            {
                await cube.FailAsync("its KV cache is larger than the KV cache store's cap", cancellationToken);
            }
        }

        LogDrained(_logger, accepted.Count, batch.Count - accepted.Count);
        return batch.Count;
    }

    private async Task FailAsync(KvPrecomputeRequest request, string reason, CancellationToken cancellationToken)
    {
        LogRequestFailed(_logger, MemCubeKeys.CubeIdOf(request.ActivationKey), reason);
        await GrainFactory.GetGrain<IActivationCubeGrain>(request.ActivationKey).FailAsync(reason, cancellationToken);
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Debug, Message = "KV-precompute worker computed {ComputedCount} memory blocks ({FailedCount} failed)")]
    private static partial void LogDrained(ILogger logger, int computedCount, int failedCount);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "KV precompute of activation {ActivationId} failed: {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string activationId, string reason);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "KV precompute of {BlockCount} memory blocks failed")]
    private static partial void LogPrecomputeFailed(ILogger logger, Exception exception, int blockCount);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Error, Message = "The KV-precompute worker could not drain its queue")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);
}
