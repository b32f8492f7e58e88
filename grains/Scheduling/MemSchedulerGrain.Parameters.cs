using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Grains.Parameters;
using MemOS.Inference.Generation;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Scheduling;

/// <content>Parameter memory: the user's parameter MemCubes (LoRA adapters trained on plaintext memories), the migration
/// policy (<see cref="ParameterOptions"/>), training jobs sent to the silo's worker, and the adapters a chat applies.</content>
public sealed partial class MemSchedulerGrain
{
    /// <summary>The highest LoRA rank a request may ask for.</summary>
    public const int MaxParameterRank = 64;

    /// <summary>The most training steps a request may ask for.</summary>
    public const int MaxParameterSteps = 10_000;

    private readonly Dictionary<string, ParameterRecord> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _parametersBySource = new(StringComparer.Ordinal);

    private async Task<ParameterRecord> ParameterizeCoreAsync(
        IReadOnlyList<string> memoryIds, int? rank, int? steps, CancellationToken cancellationToken = default)
    {
        var max = _parameterOptions.MaxMemoriesPerAdapter;
        if (memoryIds is not { Count: > 0 } || memoryIds.Count > max)
        {
            throw new ArgumentException($"A parameter MemCube names 1-{max} memories.", nameof(memoryIds));
        }

        if (memoryIds.Distinct(StringComparer.Ordinal).Count() != memoryIds.Count)
        {
            throw new ArgumentException("A parameter MemCube names each memory once.", nameof(memoryIds));
        }

        if (rank is < 1 or > MaxParameterRank)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank is 1-{MaxParameterRank}.");
        }

        if (steps is < 1 or > MaxParameterSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps is 1-{MaxParameterSteps}.");
        }

        var model = _engine.Describe();
        var members = memoryIds.Select(RequireIndexed).ToList();
        return await RequestParameterAsync(members, rank ?? _parameterOptions.Rank, steps ?? _parameterOptions.Steps, model,
            ParameterOrigins.Request, cancellationToken);
    }

    private async Task<IReadOnlyList<ParameterRecord>> GetParametersCoreAsync(CancellationToken cancellationToken = default)
    {
        await RefreshParametersAsync(cancellationToken);
        return [.. _parameters.Values.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    /// <summary>Rebuilds the registry of parameter MemCubes from storage (on activation): those whose sources changed
    /// meanwhile are invalidated, and pending or training ones are queued again (their job may have died with the last
    /// activation or silo).</summary>
    private async Task LoadParametersAsync(CancellationToken cancellationToken)
    {
        var prefix = MemCubeKeys.SpacePrefix(_tenantId, _spaceKey);
        var stored = new List<ParameterCubeState>();
        await foreach (var row in _stateQuery.ScanAsync<ParameterCubeState>(
                           ParameterCubeGrain.GrainTypeName, ParameterCubeGrain.StateName, prefix, cancellationToken))
        {
            stored.Add(row.State);
        }

        var model = _engine.IsAvailable ? _engine.Describe() : null;
        foreach (var state in stored)
        {
            RegisterParameter(state.ToRecord());
            if (state.State == ParameterState.Stale)
            {
                continue;
            }

            var changed = state.Sources.FirstOrDefault(s => !_memories.TryGetValue(s.Id, out var m) || m.Record.Version != s.Version);
            if (changed is not null)
            {
                await InvalidateParametersAsync(changed.Id, _memories.TryGetValue(changed.Id, out var now) ? now.Record.Version : null, cancellationToken);
            }
            else if (state.State is ParameterState.Pending or ParameterState.Training && model?.Sha256 == state.BaseModelSha256)
            {
                await SendTrainingAsync(state.ToRecord(), state.Sources.Select(s => _memories[s.Id]), cancellationToken);
            }
        }
    }

    /// <summary>The migration policy, after a chat: when enough of the user's memories are accessed often and stable,
    /// and no parameter MemCube but a stale one holds them, the most accessed of them are queued as one adapter.</summary>
    private async Task MaybeMigrateAsync(GenerationModelInfo model, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_parameterOptions.AutoMigrate)
        {
            return;
        }

        // A failed set is not queued again on its own (it would fail at every chat); an explicit request retries it.
        var covered = _parameters.Values.Where(p => p.State != ParameterState.Stale)
            .SelectMany(p => p.Sources.Select(s => s.Id)).ToHashSet(StringComparer.Ordinal);
        var qualifying = _memories.Values
            .Where(m => !covered.Contains(m.Record.Id)
                        && _accessCounts.GetValueOrDefault(m.Record.Id) >= _parameterOptions.MinAccessCount
                        && m.Record.UpdatedAt <= now - _parameterOptions.StableFor)
            .OrderByDescending(m => _accessCounts.GetValueOrDefault(m.Record.Id))
            .ThenBy(m => m.Record.Id, StringComparer.Ordinal)
            .Take(_parameterOptions.MaxMemoriesPerAdapter)
            .ToList();
        if (qualifying.Count < _parameterOptions.MinMemories)
        {
            return;
        }

        LogMigrating(_logger, qualifying.Count, _parameterOptions.MinAccessCount);
        await RequestParameterAsync(qualifying, _parameterOptions.Rank, _parameterOptions.Steps, model, ParameterOrigins.Policy, cancellationToken);
    }

    private async Task<ParameterRecord> RequestParameterAsync(
        IReadOnlyList<IndexedMemory> memories, int rank, int steps, GenerationModelInfo model, string origin, CancellationToken cancellationToken)
    {
        var members = memories.OrderBy(m => m.Record.Id, StringComparer.Ordinal).ToList();
        var sources = members.Select(m => new MemorySource(m.Record.Id, m.Record.Version)).ToList();
        var id = ParameterIds.For(model.Sha256, rank, steps, sources);
        var record = await ParameterCube(id).RequestAsync(new ParameterDraft(
            _userId, sources, model.Sha256, rank, _parameterOptions.Alpha, ["attn_q", "attn_k", "attn_v", "attn_output"], steps,
            _parameterOptions.LearningRate, _parameterOptions.ChatScale, origin), cancellationToken);
        RegisterParameter(record);
        if (record.State == ParameterState.Pending)
        {
            await SendTrainingAsync(record, members, cancellationToken);
        }

        return record;
    }

    private async Task SendTrainingAsync(ParameterRecord record, IEnumerable<IndexedMemory> members, CancellationToken cancellationToken)
    {
        var draft = new ParameterDraft(_userId, record.Sources, record.BaseModelSha256, record.Rank, record.Alpha, record.Targets,
            record.Steps, record.LearningRate, record.Scale, record.Origin);
        await GrainFactory.GetGrain<IParameterTrainingWorkerGrain>(IParameterTrainingWorkerGrain.LocalKey).EnqueueAsync(
            new ParameterTrainingRequest(ParameterKey(record.Id), [.. members.Select(m => m.Record.Text)], draft), cancellationToken);
        LogTrainingQueued(_logger, record.Id, record.Sources.Count, record.Rank, record.Steps);
    }

    /// <summary>The adapters a chat applies: the newest Ready parameter MemCubes trained for the silo's model, with
    /// their scales (at most <see cref="ParameterOptions.MaxAdaptersPerChat"/>; none with a zero scale).</summary>
    private async Task<IReadOnlyList<(ParameterRecord Record, GenerationAdapter Adapter)>> ChatAdaptersAsync(
        GenerationModelInfo model, CancellationToken cancellationToken)
    {
        if (_parameters.Count == 0 || _parameterOptions.MaxAdaptersPerChat == 0)
        {
            return [];
        }

        await RefreshParametersAsync(cancellationToken);
        return [.. _parameters.Values
            .Where(p => p.State == ParameterState.Ready && p.AdapterPath is not null && p.Scale > 0 && p.BaseModelSha256 == model.Sha256)
            .OrderByDescending(p => p.ReadyAt).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(_parameterOptions.MaxAdaptersPerChat)
            .Select(p => (p, new GenerationAdapter(p.AdapterPath!, p.Scale)))];
    }

    /// <summary>Reads the cubes a worker may have moved on since the scheduler last looked (pending and training).</summary>
    private async Task RefreshParametersAsync(CancellationToken cancellationToken)
    {
        var moving = _parameters.Values.Where(p => p.State is ParameterState.Pending or ParameterState.Training).Select(p => p.Id).ToList();
        foreach (var record in await Task.WhenAll(moving.Select(id => ParameterCube(id).GetAsync(cancellationToken))))
        {
            _parameters[record.Id] = record;
        }
    }

    /// <summary>Tells the parameter MemCubes trained on a memory that it changed (or was erased).</summary>
    private async Task InvalidateParametersAsync(string cubeId, long? newVersion, CancellationToken cancellationToken)
    {
        if (!_parametersBySource.Remove(cubeId, out var ids))
        {
            return;
        }

        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            if (_parameters.TryGetValue(id, out var parameter) && parameter.State != ParameterState.Stale
                && await ParameterCube(id).InvalidateAsync(cubeId, newVersion, cancellationToken))
            {
                LogParameterInvalidated(_logger, id, cubeId, newVersion);
                _parameters[id] = await ParameterCube(id).GetAsync(cancellationToken);
            }
        }
    }

    private void RegisterParameter(ParameterRecord record)
    {
        _parameters[record.Id] = record;
        foreach (var source in record.Sources)
        {
            if (!_parametersBySource.TryGetValue(source.Id, out var ids))
            {
                _parametersBySource[source.Id] = ids = new HashSet<string>(StringComparer.Ordinal);
            }

            ids.Add(record.Id);
        }
    }

    private static List<ChatAdapter> ToChatAdapters(IEnumerable<(ParameterRecord Record, GenerationAdapter Adapter)> adapters)
        => [.. adapters.Select(a => new ChatAdapter(a.Record.Id, a.Adapter.Scale))];

    private string ParameterKey(string parameterId) => MemCubeKeys.Cube(_tenantId, _spaceKey, parameterId);

    private IParameterCubeGrain ParameterCube(string parameterId) => GrainFactory.GetGrain<IParameterCubeGrain>(ParameterKey(parameterId));

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information,
        Message = "Parameter MemCube {ParameterId} queued for training: {MemoryCount} memories, rank {Rank}, {Steps} steps")]
    private static partial void LogTrainingQueued(ILogger logger, string parameterId, int memoryCount, int rank, int steps);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information,
        Message = "Migrating {MemoryCount} memories (each retrieved at least {MinAccessCount} times, stable) into parameter memory")]
    private static partial void LogMigrating(ILogger logger, int memoryCount, long minAccessCount);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information,
        Message = "Parameter MemCube {ParameterId} invalidated: memory {MemoryId} changed (new version {NewVersion}; none when erased)")]
    private static partial void LogParameterInvalidated(ILogger logger, string parameterId, string memoryId, long? newVersion);
}
