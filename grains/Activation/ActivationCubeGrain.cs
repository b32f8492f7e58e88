using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Inference.Generation;
using MemOS.Inference.KvCache;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Activation;

/// <summary>An activation MemCube (see <see cref="IActivationCubeGrain"/>). Every state change is written before the call
/// returns. Dropping a cache removes the entry from this silo's KV cache store (the store is local to a silo; until the
/// cluster lands a MemScheduler, its activations and the store are on one silo).</summary>
/// <remarks>Entries are content-addressed, so two blocks that render to the same tokens share one: dropping the cache
/// of one (stale after a tag-only update, say) makes the other miss once, which falls back to plaintext and marks it
/// evicted for the policy to promote again. Erasure needs the drop: the cache holds the erased text.</remarks>
[GrainType(GrainTypeName)]
[PlacedWith(typeof(MemCubePlacement))]
public sealed partial class ActivationCubeGrain : Grain, IActivationCubeGrain
{
    /// <summary>The grain type name, part of every stored key.</summary>
    public const string GrainTypeName = "activationcube";

    /// <summary>The state name under which the cube is stored.</summary>
    public const string StateName = "activation";

    private readonly IPersistentState<ActivationCubeState> _cube;
    private readonly IGenerationEngine _engine;
    private readonly ILogger<ActivationCubeGrain> _logger;

    /// <summary>Creates the grain; the runtime binds <paramref name="cube"/> to storage.</summary>
    /// <param name="cube">The persisted state.</param>
    /// <param name="engine">The silo's generation engine (its KV cache store).</param>
    /// <param name="logger">The logger.</param>
    public ActivationCubeGrain(
        [PersistentState(StateName)] IPersistentState<ActivationCubeState> cube, IGenerationEngine engine, ILogger<ActivationCubeGrain> logger)
    {
        _cube = cube;
        _engine = engine;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ActivationRecord> RequestAsync(ActivationDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Sources is not { Count: > 0 })
        {
            throw new ArgumentException("An activation needs at least one source memory.", nameof(draft));
        }

        var state = _cube.State;
        var now = TimeProvider.GetUtcNow();
        if (!state.Exists)
        {
            var parts = GetPrimaryKeyString().Split('/');
            await CommitAsync(new ActivationCubeState
            {
                Id = parts[2],
                TenantId = parts[0],
                SpaceKey = parts[1],
                OwnerId = draft.OwnerId,
                State = ActivationState.Pending,
                Sources = draft.Sources,
                ModelSha256 = draft.ModelSha256,
                Template = draft.Template,
                CacheKey = draft.CacheKey,
                TokensSha256 = draft.TokensSha256,
                TokenCount = draft.TokenCount,
                Origin = draft.Origin,
                CreatedAt = now,
                UpdatedAt = now,
            }, cancellationToken);
        }
        else if (state.State is ActivationState.Demoted or ActivationState.Evicted or ActivationState.Failed)
        {
            await CommitAsync(state with { State = ActivationState.Pending, Origin = draft.Origin, Reason = null, UpdatedAt = now }, cancellationToken);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<ActivationRecord> CompleteAsync(KvCacheComputed computed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(computed);
        var state = Require();
        if (state.State == ActivationState.Pending && computed.CacheKey == state.CacheKey)
        {
            var now = TimeProvider.GetUtcNow();
            await CommitAsync(state with
            {
                State = ActivationState.Ready, SizeBytes = computed.SizeBytes, TokenCount = computed.TokenCount, ReadyAt = now, UpdatedAt = now,
            }, cancellationToken);
        }
        else if (!state.IsLive)
        {
            // Went stale or cold while the worker computed: the new entry must not outlive the decision (it may hold
            // the text of an erased memory).
            DropCache(state);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<ActivationRecord> FailAsync(string reason, CancellationToken cancellationToken = default)
    {
        var state = Require();
        if (state.State == ActivationState.Pending)
        {
            await CommitAsync(state with { State = ActivationState.Failed, Reason = reason, UpdatedAt = TimeProvider.GetUtcNow() }, cancellationToken);
            LogFailed(_logger, state.Id, reason);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<ActivationRecord> UseAsync(IReadOnlyList<MemorySource> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var state = Require();
        if (state.State == ActivationState.Stale)
        {
            return state.ToRecord();
        }

        if (!sources.SequenceEqual(state.Sources))
        {
            var changed = state.Sources.FirstOrDefault(s => !sources.Contains(s));
            await MarkStaleAsync(state, changed is null
                ? "its block's memories changed"
                : $"memory {changed.Id} is no longer at version {changed.Version}", cancellationToken);
            return _cube.State.ToRecord();
        }

        if (state.State == ActivationState.Ready)
        {
            var now = TimeProvider.GetUtcNow();
            await CommitAsync(state with { LastUsedAt = now, UseCount = state.UseCount + 1 }, cancellationToken);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<bool> InvalidateAsync(string sourceId, long? newVersion, CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists || state.State == ActivationState.Stale || !state.Sources.Any(s => s.Id == sourceId))
        {
            return false;
        }

        await MarkStaleAsync(state, newVersion is { } version
            ? $"memory {sourceId} changed to version {version}"
            : $"memory {sourceId} was erased", cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> DemoteAsync(string reason, CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists || !state.IsLive)
        {
            return false;
        }

        await CommitAsync(state with { State = ActivationState.Demoted, Reason = reason, UpdatedAt = TimeProvider.GetUtcNow() }, cancellationToken);
        DropCache(state);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> MarkEvictedAsync(CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists || state.State != ActivationState.Ready)
        {
            return false;
        }

        await CommitAsync(state with
        {
            State = ActivationState.Evicted, Reason = "the KV cache store no longer held its cache", UpdatedAt = TimeProvider.GetUtcNow(),
        }, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public Task<ActivationRecord> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(Require().ToRecord());

    private async Task MarkStaleAsync(ActivationCubeState state, string reason, CancellationToken cancellationToken)
    {
        await CommitAsync(state with { State = ActivationState.Stale, Reason = reason, UpdatedAt = TimeProvider.GetUtcNow() }, cancellationToken);
        DropCache(state);
        LogStale(_logger, state.Id, reason);
    }

    private void DropCache(ActivationCubeState state)
    {
        if (!_engine.IsAvailable || state.TokenCount < 1)
        {
            return; // no model on this silo: no store was opened, so there is nothing to drop here
        }

        _engine.DropCache(new KvCacheKey(state.ModelSha256, state.Template, state.TokenCount, state.TokensSha256));
    }

    private Task CommitAsync(ActivationCubeState next, CancellationToken cancellationToken) => _cube.CommitAsync(next, cancellationToken);

    private ActivationCubeState Require()
        => _cube.State is { Exists: true } state
            ? state
            : throw new InvalidOperationException($"Activation '{MemCubeKeys.CubeIdOf(GetPrimaryKeyString())}' does not exist.");

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Activation {ActivationId} is stale: {Reason}; its KV cache was dropped")]
    private static partial void LogStale(ILogger logger, string activationId, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Activation {ActivationId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string activationId, string reason);
}
