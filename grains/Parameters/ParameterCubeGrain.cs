using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Parameters;

/// <summary>A parameter MemCube (see <see cref="IParameterCubeGrain"/>). Every state change is written before the call
/// returns. Going stale deletes the adapter file: the adapter holds what its memories' texts taught, so an erased
/// memory must not outlive it there.</summary>
[GrainType(GrainTypeName)]
[PlacedWith(typeof(MemCubePlacement))]
public sealed partial class ParameterCubeGrain : Grain, IParameterCubeGrain
{
    /// <summary>The grain type name, part of every stored key.</summary>
    public const string GrainTypeName = "parametercube";

    /// <summary>The state name under which the cube is stored.</summary>
    public const string StateName = "parameter";

    private readonly IPersistentState<ParameterCubeState> _cube;
    private readonly ILogger<ParameterCubeGrain> _logger;

    /// <summary>Creates the grain; the runtime binds <paramref name="cube"/> to storage.</summary>
    /// <param name="cube">The persisted state.</param>
    /// <param name="logger">The logger.</param>
    public ParameterCubeGrain([PersistentState(StateName)] IPersistentState<ParameterCubeState> cube, ILogger<ParameterCubeGrain> logger)
    {
        _cube = cube;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ParameterRecord> RequestAsync(ParameterDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Sources is not { Count: > 0 })
        {
            throw new ArgumentException("A parameter MemCube needs at least one source memory.", nameof(draft));
        }

        var state = _cube.State;
        var now = TimeProvider.GetUtcNow();
        if (!state.Exists || state.State is ParameterState.Failed or ParameterState.Stale)
        {
            var parts = GetPrimaryKeyString().Split('/');
            await CommitAsync(new ParameterCubeState
            {
                Id = parts[2],
                TenantId = parts[0],
                SpaceKey = parts[1],
                OwnerId = draft.OwnerId,
                State = ParameterState.Pending,
                Sources = draft.Sources,
                BaseModelSha256 = draft.BaseModelSha256,
                Rank = draft.Rank,
                Alpha = draft.Alpha,
                Targets = draft.Targets,
                Steps = draft.Steps,
                LearningRate = draft.LearningRate,
                Scale = draft.Scale,
                Origin = draft.Origin,
                CreatedAt = state.Exists ? state.CreatedAt : now,
                UpdatedAt = now,
            }, cancellationToken);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<ParameterRecord> ReportProgressAsync(int step, double lossBefore, CancellationToken cancellationToken = default)
    {
        var state = Require();
        if (state.State is ParameterState.Pending or ParameterState.Training && step > state.Step)
        {
            await CommitAsync(state with
            {
                State = ParameterState.Training, Step = step, LossBefore = state.LossBefore ?? lossBefore, UpdatedAt = TimeProvider.GetUtcNow(),
            }, cancellationToken);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<ParameterRecord> CompleteAsync(ParameterTrained trained, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var state = Require();
        if (state.State is ParameterState.Pending or ParameterState.Training)
        {
            var now = TimeProvider.GetUtcNow();
            await CommitAsync(state with
            {
                State = ParameterState.Ready, AdapterPath = trained.AdapterPath, Step = state.Steps, LossBefore = trained.LossBefore,
                LossAfter = trained.LossAfter, TrainSeconds = trained.TrainSeconds, ReadyAt = now, UpdatedAt = now, Reason = null,
            }, cancellationToken);
            LogReady(_logger, state.Id, trained.LossBefore, trained.LossAfter, trained.TrainSeconds);
        }
        else if (state.AdapterPath != trained.AdapterPath)
        {
            // Went stale while the worker trained: the new file must not outlive the decision.
            DeleteFile(trained.AdapterPath);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<ParameterRecord> FailAsync(string reason, CancellationToken cancellationToken = default)
    {
        var state = Require();
        if (state.State is ParameterState.Pending or ParameterState.Training)
        {
            await CommitAsync(state with { State = ParameterState.Failed, Reason = reason, UpdatedAt = TimeProvider.GetUtcNow() }, cancellationToken);
            LogFailed(_logger, state.Id, reason);
        }

        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<bool> InvalidateAsync(string sourceId, long? newVersion, CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists || state.State == ParameterState.Stale || !state.Sources.Any(s => s.Id == sourceId))
        {
            return false;
        }

        var reason = newVersion is { } version ? $"memory {sourceId} changed to version {version}" : $"memory {sourceId} was erased";
        await CommitAsync(state with { State = ParameterState.Stale, Reason = reason, AdapterPath = null, UpdatedAt = TimeProvider.GetUtcNow() },
            cancellationToken);
        if (state.AdapterPath is { } path)
        {
            DeleteFile(path);
        }

        LogStale(_logger, state.Id, reason);
        return true;
    }

    /// <inheritdoc />
    public Task<ParameterRecord> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(Require().ToRecord());

    private void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(_logger, e, path);
        }
    }

    private Task CommitAsync(ParameterCubeState next, CancellationToken cancellationToken) => _cube.CommitAsync(next, cancellationToken);

    private ParameterCubeState Require()
        => _cube.State is { Exists: true } state
            ? state
            : throw new InvalidOperationException($"Parameter MemCube '{MemCubeKeys.CubeIdOf(GetPrimaryKeyString())}' does not exist.");

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information,
        Message = "Parameter MemCube {ParameterId} is ready: memory loss {LossBefore:F3} -> {LossAfter:F3} nats/token, trained in {TrainSeconds:F1} s")]
    private static partial void LogReady(ILogger logger, string parameterId, double lossBefore, double lossAfter, double trainSeconds);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Parameter MemCube {ParameterId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string parameterId, string reason);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Parameter MemCube {ParameterId} is stale: {Reason}; its adapter file was deleted")]
    private static partial void LogStale(ILogger logger, string parameterId, string reason);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Could not delete the adapter file {Path}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string path);
}
