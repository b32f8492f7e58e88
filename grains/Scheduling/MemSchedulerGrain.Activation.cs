using MemOS.Grains.Activation;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Inference.Generation;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Scheduling;

/// <content>Activation memory: the user's activation MemCubes, the promotion and demotion policy
/// (<see cref="ActivationOptions"/>), and the batching window of KV-precompute requests sent to the worker.</content>
public sealed partial class MemSchedulerGrain
{
    /// <summary>The most memories one explicit activation may name.</summary>
    public const int MaxActivationMemories = 100;

    private readonly Dictionary<string, ActivationEntry> _activations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _activationsBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BlockUsage> _blockUses = new(StringComparer.Ordinal);
    private readonly List<KvPrecomputeRequest> _precomputeQueue = [];
    private IDisposable? _batchTimer;
    private IDisposable? _policyTimer;

    private async Task<ActivationRecord> ActivateCoreAsync(IReadOnlyList<string> memoryIds, CancellationToken cancellationToken = default)
    {
        if (memoryIds is not { Count: > 0 } || memoryIds.Count > MaxActivationMemories)
        {
            throw new ArgumentException($"An activation names 1-{MaxActivationMemories} memories.", nameof(memoryIds));
        }

        if (memoryIds.Distinct(StringComparer.Ordinal).Count() != memoryIds.Count)
        {
            throw new ArgumentException("An activation names each memory once.", nameof(memoryIds));
        }

        var model = _engine.Describe();
        var block = BuildBlock(memoryIds.Select(RequireIndexed), model);
        var prompt = _engine.PrepareBlock(block.Context);
        if (prompt.Tokens.Length > model.ContextTokens)
        {
            throw new ArgumentException(
                $"The block of {memoryIds.Count} memories takes {prompt.Tokens.Length} tokens; the model's context holds {model.ContextTokens}.",
                nameof(memoryIds));
        }

        Decide(ActivationDecisions.Requested);
        LogActivationRequested(_logger, block.Id, block.Sources.Count, prompt.Tokens.Length);
        if (!(_activations.TryGetValue(block.Id, out var known) && known.IsLive))
        {
            await MakeRoomAsync(cancellationToken);
        }

        return await RequestActivationAsync(block, prompt, model, ActivationOrigins.Request, cancellationToken);
    }

    private async Task<IReadOnlyList<ActivationRecord>> GetActivationsCoreAsync(CancellationToken cancellationToken = default)
    {
        var records = await Task.WhenAll(_activations.Keys.Select(id => ActivationCube(id).GetAsync(cancellationToken)));
        foreach (var record in records)
        {
            _activations[record.Id].State = record.State;
        }

        return [.. records.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    /// <summary>Rebuilds the registry of activation MemCubes from storage (on activation): stale ones are kept as
    /// such, live ones whose sources changed meanwhile are invalidated, and pending ones are queued again (their
    /// request may have died with the last activation).</summary>
    private async Task LoadActivationsAsync(CancellationToken cancellationToken)
    {
        var prefix = MemCubeKeys.SpacePrefix(_tenantId, _spaceKey);
        var stored = new List<ActivationCubeState>();
        await foreach (var row in _stateQuery.ScanAsync<ActivationCubeState>(
                           ActivationCubeGrain.GrainTypeName, ActivationCubeGrain.StateName, prefix, cancellationToken))
        {
            stored.Add(row.State);
        }

        var model = _engine.IsAvailable ? _engine.Describe() : null;
        foreach (var state in stored)
        {
            Register(state.ToRecord());
            if (!state.IsLive)
            {
                continue;
            }

            var changed = state.Sources.FirstOrDefault(s => !_memories.TryGetValue(s.Id, out var m) || m.Record.Version != s.Version);
            if (changed is not null)
            {
                await InvalidateActivationsAsync(changed.Id, _memories.TryGetValue(changed.Id, out var now) ? now.Record.Version : null, cancellationToken);
            }
            else if (state.State == ActivationState.Pending && model is not null
                     && model.Sha256 == state.ModelSha256 && model.Template == state.Template)
            {
                var block = BuildBlock(state.Sources.Select(s => _memories[s.Id]), model);
                await QueuePrecomputeAsync(new KvPrecomputeRequest(ActivationKey(block.Id), block.Context, state.CacheKey), cancellationToken);
            }
        }

        if (_activations.Values.Any(a => a.IsLive))
        {
            EnsurePolicyTimer();
        }
    }

    /// <summary>Counts a chat's use of a block and promotes the block when it has become hot and is stable.</summary>
    private async Task NoteBlockUseAsync(MemoryBlock block, MemoryBlockPrompt prompt, GenerationModelInfo model, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (!_blockUses.TryGetValue(block.Id, out var usage))
        {
            _blockUses[block.Id] = usage = new BlockUsage();
        }

        usage.Uses.Add(now);
        usage.Uses.RemoveAll(t => t <= now - _activationOptions.UsageWindow);
        if (!_activationOptions.AutoPromote
            || (_activations.TryGetValue(block.Id, out var known) && known.IsLive)
            || usage.Uses.Count < _activationOptions.PromoteMinUses)
        {
            return;
        }

        var unstable = block.Members.Where(m => m.Record.UpdatedAt > now - _activationOptions.StableFor)
            .OrderByDescending(m => m.Record.UpdatedAt).FirstOrDefault();
        if (unstable is not null)
        {
            Decide(ActivationDecisions.RejectedUnstable);
            LogRejectedUnstable(_logger, block.Id, usage.Uses.Count, unstable.Record.Id, unstable.Record.UpdatedAt);
            return;
        }

        await MakeRoomAsync(cancellationToken);
        Decide(ActivationDecisions.Promoted);
        LogPromoted(_logger, block.Id, usage.Uses.Count, block.Sources.Count, prompt.Tokens.Length);
        await RequestActivationAsync(block, prompt, model, ActivationOrigins.Promotion, cancellationToken);
    }

    private async Task<ActivationRecord> RequestActivationAsync(
        MemoryBlock block, MemoryBlockPrompt prompt, GenerationModelInfo model, string origin, CancellationToken cancellationToken)
    {
        var record = await ActivationCube(block.Id).RequestAsync(new ActivationDraft(
            _userId, block.Sources, model.Sha256, model.Template, prompt.Key.Id, prompt.Key.TokensSha256, prompt.Key.TokenCount, origin),
            cancellationToken);
        var entry = Register(record);
        if (record.State == ActivationState.Pending)
        {
            entry.RequestedAt = TimeProvider.GetUtcNow();
            await QueuePrecomputeAsync(new KvPrecomputeRequest(ActivationKey(block.Id), block.Context, prompt.Key.Id), cancellationToken);
        }

        EnsurePolicyTimer();
        return record;
    }

    /// <summary>Demotes the least recently used live activation when the user has as many as allowed.</summary>
    private async Task MakeRoomAsync(CancellationToken cancellationToken)
    {
        var live = _activations.Values.Where(a => a.IsLive).ToList();
        if (live.Count < _activationOptions.MaxActivationsPerUser)
        {
            return;
        }

        var victim = live.OrderBy(a => a.LastActiveAt).ThenBy(a => a.Id, StringComparer.Ordinal).First();
        if (await ActivationCube(victim.Id).DemoteAsync("pushed out by a hotter memory block", cancellationToken))
        {
            Decide(ActivationDecisions.DemotedCapacity);
            LogDemoted(_logger, victim.Id, ActivationDecisions.DemotedCapacity, victim.LastActiveAt);
        }

        victim.State = ActivationState.Demoted;
    }

    /// <summary>The policy timer: demotes activations idle for <see cref="ActivationOptions.DemoteAfterIdle"/> and forgets
    /// block uses that fell out of the usage window.</summary>
    private async Task RunPolicyAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        foreach (var activation in _activations.Values.Where(a => a.IsLive).ToList())
        {
            if (now - activation.LastActiveAt < _activationOptions.DemoteAfterIdle)
            {
                continue;
            }

            if (await ActivationCube(activation.Id).DemoteAsync($"no chat used it since {activation.LastActiveAt:O}", cancellationToken))
            {
                Decide(ActivationDecisions.DemotedIdle);
                LogDemoted(_logger, activation.Id, ActivationDecisions.DemotedIdle, activation.LastActiveAt);
            }

            activation.State = ActivationState.Demoted;
        }

        foreach (var (id, usage) in _blockUses.ToList())
        {
            usage.Uses.RemoveAll(t => t <= now - _activationOptions.UsageWindow);
            if (usage.Uses.Count == 0)
            {
                _blockUses.Remove(id);
            }
        }
    }

    /// <summary>Tells the activations (and the parameter MemCubes) built on a memory that it changed (or was erased),
    /// and drops queued requests for them.</summary>
    private async Task InvalidateActivationsAsync(string cubeId, long? newVersion, CancellationToken cancellationToken)
    {
        await InvalidateParametersAsync(cubeId, newVersion, cancellationToken);
        if (!_activationsBySource.Remove(cubeId, out var ids))
        {
            return;
        }

        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            if (!_activations.TryGetValue(id, out var activation) || activation.State == ActivationState.Stale)
            {
                continue;
            }

            if (await ActivationCube(id).InvalidateAsync(cubeId, newVersion, cancellationToken))
            {
                Decide(ActivationDecisions.Invalidated);
                LogInvalidated(_logger, id, cubeId, newVersion);
            }

            activation.State = ActivationState.Stale;
        }

        _precomputeQueue.RemoveAll(r => ids.Contains(MemCubeKeys.CubeIdOf(r.ActivationKey)));
    }

    /// <summary>Adds a request to the batching window: sent at once when the window holds
    /// <see cref="ActivationOptions.BatchSize"/> requests, else when <see cref="ActivationOptions.BatchWindow"/> has passed
    /// since the first of them.</summary>
    private async Task QueuePrecomputeAsync(KvPrecomputeRequest request, CancellationToken cancellationToken)
    {
        if (_precomputeQueue.Any(r => r.ActivationKey == request.ActivationKey))
        {
            return;
        }

        _precomputeQueue.Add(request);
        if (_precomputeQueue.Count >= _activationOptions.BatchSize)
        {
            await FlushPrecomputeAsync(cancellationToken);
            return;
        }

        _batchTimer ??= RegisterGrainTimer(FlushPrecomputeAsync, _activationOptions.BatchWindow, Timeout.InfiniteTimeSpan);
    }

    private async Task FlushPrecomputeAsync(CancellationToken cancellationToken)
    {
        _batchTimer?.Dispose();
        _batchTimer = null;
        if (_precomputeQueue.Count == 0)
        {
            return;
        }

        var batch = _precomputeQueue.ToList();
        _precomputeQueue.Clear();
        try
        {
            await GrainFactory.GetGrain<IKvPrecomputeWorkerGrain>(IKvPrecomputeWorkerGrain.LocalKey).EnqueueAsync(batch, cancellationToken);
            LogBatchSent(_logger, batch.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBatchFailed(_logger, e, batch.Count);
            try
            {
                foreach (var request in batch)
                {
                    await GrainFactory.GetGrain<IActivationCubeGrain>(request.ActivationKey).FailAsync(e.Message, cancellationToken);
                }
            }
            catch (Exception again) when (again is not OperationCanceledException)
            {
                // Left pending: the next activation of this scheduler queues pending activations again.
                LogBatchFailed(_logger, again, batch.Count);
            }
        }
    }

    private void EnsurePolicyTimer()
        => _policyTimer ??= RegisterGrainTimer(RunPolicyAsync, _activationOptions.PolicyInterval, _activationOptions.PolicyInterval);

    private ActivationEntry Register(ActivationRecord record)
    {
        if (!_activations.TryGetValue(record.Id, out var entry))
        {
            _activations[record.Id] = entry = new ActivationEntry(record.Id, record.UpdatedAt);
            foreach (var source in record.Sources)
            {
                if (!_activationsBySource.TryGetValue(source.Id, out var ids))
                {
                    _activationsBySource[source.Id] = ids = new HashSet<string>(StringComparer.Ordinal);
                }

                ids.Add(record.Id);
            }
        }

        entry.State = record.State;
        entry.LastUsedAt = record.LastUsedAt ?? entry.LastUsedAt;
        return entry;
    }

    /// <summary>The block of some memories: ordered by cube id (creation order, so that equal times keep one order
    /// whatever the retrieval order), rendered grouped by day, and named by the model, template and versions.</summary>
    private static MemoryBlock BuildBlock(IEnumerable<IndexedMemory> memories, GenerationModelInfo model)
    {
        var members = memories.OrderBy(m => m.Record.Id, StringComparer.Ordinal).ToList();
        var sources = members.Select(m => new MemorySource(m.Record.Id, m.Record.Version)).ToList();
        return new MemoryBlock(
            ActivationIds.For(model.Sha256, model.Template, sources),
            members,
            sources,
            MemoryRendering.RenderGroupedContext(members.Select(m => m.Entry)));
    }

    private void Decide(string outcome) => _inferenceMetrics.RecordDecision(outcome);

    private string ActivationKey(string activationId) => MemCubeKeys.Cube(_tenantId, _spaceKey, activationId);

    private IActivationCubeGrain ActivationCube(string activationId) => GrainFactory.GetGrain<IActivationCubeGrain>(ActivationKey(activationId));

    /// <summary>A memory block: the memories one prompt's block holds.</summary>
    private sealed record MemoryBlock(string Id, IReadOnlyList<IndexedMemory> Members, IReadOnlyList<MemorySource> Sources, string Context);

    /// <summary>When chats used a block, within the usage window.</summary>
    private sealed class BlockUsage
    {
        public List<DateTimeOffset> Uses { get; } = [];
    }

    /// <summary>What the scheduler knows of one of its activation MemCubes (the cube's own state is the truth: a
    /// worker completes a pending cube without telling the scheduler).</summary>
    private sealed class ActivationEntry(string id, DateTimeOffset requestedAt)
    {
        public string Id { get; } = id;

        public ActivationState State { get; set; } = ActivationState.Pending;

        public DateTimeOffset RequestedAt { get; set; } = requestedAt;

        public DateTimeOffset? LastUsedAt { get; set; }

        public bool IsLive => State is ActivationState.Pending or ActivationState.Ready;

        /// <summary>The last use, or the request when never used: what idleness and capacity go by.</summary>
        public DateTimeOffset LastActiveAt => LastUsedAt is { } used && used > RequestedAt ? used : RequestedAt;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Promoted memory block {ActivationId} to activation memory: {UseCount} uses in the window, {MemoryCount} memories, {TokenCount} tokens")]
    private static partial void LogPromoted(ILogger logger, string activationId, int useCount, int memoryCount, int tokenCount);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "Memory block {ActivationId} is hot ({UseCount} uses) but not stable: memory {MemoryId} changed at {ChangedAt:O}")]
    private static partial void LogRejectedUnstable(ILogger logger, string activationId, int useCount, string memoryId, DateTimeOffset changedAt);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information,
        Message = "Demoted activation {ActivationId} ({Outcome}; last active {LastActiveAt:O}): its KV cache was dropped")]
    private static partial void LogDemoted(ILogger logger, string activationId, string outcome, DateTimeOffset lastActiveAt);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information,
        Message = "Activation {ActivationId} invalidated: memory {MemoryId} changed (new version {NewVersion}; none when erased)")]
    private static partial void LogInvalidated(ILogger logger, string activationId, string memoryId, long? newVersion);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning,
        Message = "Activation {ActivationId} was ready but its KV cache was gone from the store (evicted); the chat prefilled the text")]
    private static partial void LogEvicted(ILogger logger, string activationId);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information,
        Message = "Activation {ActivationId} requested for {MemoryCount} memories ({TokenCount} tokens)")]
    private static partial void LogActivationRequested(ILogger logger, string activationId, int memoryCount, int tokenCount);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Debug, Message = "Sent {RequestCount} KV-precompute requests to the worker")]
    private static partial void LogBatchSent(ILogger logger, int requestCount);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "Sending {RequestCount} KV-precompute requests to the worker failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int requestCount);
}
