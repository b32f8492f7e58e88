using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Operations;
using MemOS.Grains.Telemetry;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Memories;

/// <summary>One MemCube (see <see cref="IMemCubeGrain"/>). Content changes and lifecycle transitions are written
/// before the call returns; access statistics are kept in memory and written by a timer or on deactivation, since
/// losing a few counts in a crash costs nothing while writing on every search would.</summary>
[GrainType(GrainTypeName)]
[PlacedWith(typeof(MemCubePlacement))]
public sealed partial class MemCubeGrain : Grain, IMemCubeGrain
{
    /// <summary>The grain type name, part of every stored key.</summary>
    public const string GrainTypeName = "memcube";

    /// <summary>The state name under which the cube is stored.</summary>
    public const string StateName = "cube";

    /// <summary>The longest memory text, in characters.</summary>
    public const int MaxTextLength = 32_768;

    private static readonly TimeSpan AccessFlushPeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AccessHalfLife = TimeSpan.FromDays(7);

    private readonly IPersistentState<MemCubeState> _cube;
    private readonly ILogger<MemCubeGrain> _logger;
    private readonly MemCubeMetrics _metrics;
    private bool _accessDirty;
    private IDisposable? _accessFlushTimer;

    /// <summary>Creates the grain; the runtime binds <paramref name="cube"/> to storage.</summary>
    /// <param name="cube">The persisted cube state.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The silo's lifecycle census and event log.</param>
    public MemCubeGrain([PersistentState(StateName)] IPersistentState<MemCubeState> cube, ILogger<MemCubeGrain> logger, MemCubeMetrics metrics)
    {
        _cube = cube;
        _logger = logger;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> CreateAsync(MemCubeDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ValidateText(draft.Text, nameof(draft));
        if (!MemCubeKeys.IsValidName(draft.OwnerId))
        {
            throw new ArgumentException($"'{draft.OwnerId}' is not a valid owner id.", nameof(draft));
        }

        if (_cube.State.Exists)
        {
            throw new InvalidOperationException($"Memory '{_cube.State.Id}' already exists.");
        }

        var key = GetPrimaryKeyString();
        var parts = key.Split('/');
        var now = TimeProvider.GetUtcNow();
        var state = new MemCubeState
        {
            Id = parts[2],
            TenantId = parts[0],
            SpaceKey = parts[1],
            OwnerId = draft.OwnerId,
            Kind = draft.Kind,
            State = MemCubeLifecycle.Generated,
            Text = draft.Text,
            Provenance = draft.Provenance,
            ValidFrom = draft.ValidFrom,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
            Tags = draft.Tags,
            Entities = draft.Entities,
            Confidence = draft.Confidence,
            Embedding = draft.Embedding,
            ExpiresAt = draft.ExpiresAt,
        };
        await CommitAsync(state with { History = [Snapshot(state, "created")] }, cancellationToken);
        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> ActivateAsync(CancellationToken cancellationToken = default)
    {
        await TransitionAsync(MemCubeLifecycle.Activated, "activated", cancellationToken);
        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        var state = RequireVisible();
        CountAccess(1, TimeProvider.GetUtcNow());
        var record = state.ToRecord() with { Access = _cube.State.Access };
        return state.State == MemCubeLifecycle.Archived ? record with { Text = (await VaultEntryAsync(cancellationToken)).Text } : record;
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> UpdateAsync(
        MemoryUpdate update, long expectedVersion, MemoryEmbedding? embedding = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.IsEmpty)
        {
            throw new ArgumentException("An update must change at least one field.", nameof(update));
        }

        if (update.Text is not null)
        {
            ValidateText(update.Text, nameof(update));
        }

        var state = RequireVisible();
        RequireVersion(state, expectedVersion);
        if (!IsEditableHot(state.State))
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, state.State);
        }

        var validFrom = update.ValidFrom ?? state.ValidFrom;
        var validTo = update.ValidTo ?? state.ValidTo;
        if (validFrom is { } from && validTo is { } to && to < from)
        {
            throw new ArgumentException("validTo must not be before validFrom.", nameof(update));
        }

        var next = state with
        {
            Text = update.Text ?? state.Text,
            // A new text makes the old vector wrong: keep the one given for the new text, or none (re-embedded later).
            Embedding = update.Text is null || update.Text == state.Text ? embedding ?? state.Embedding : embedding,
            Tags = update.Tags ?? state.Tags,
            Entities = update.Entities ?? state.Entities,
            ValidFrom = validFrom,
            ValidTo = validTo,
            ExpiresAt = update.ExpiresAt ?? state.ExpiresAt,
            Version = state.Version + 1,
            UpdatedAt = TimeProvider.GetUtcNow(),
        };
        await CommitAsync(next with { History = [.. state.History, Snapshot(next, "updated")] }, cancellationToken);
        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> GetAsOfAsync(DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        var state = RequireVisible();
        IReadOnlyList<MemoryVersion> history = state.PayloadInVault ? [.. (await VaultEntryAsync(cancellationToken)).History, .. state.History] : state.History;
        var version = VersionAt(history, asOf) ?? throw new MemoryNotFoundException(state.Id);
        return state.ToRecord() with
        {
            State = version.State,
            Text = version.Text,
            Tags = version.Tags,
            Entities = version.Entities,
            ValidFrom = version.ValidFrom,
            ValidTo = version.ValidTo,
            Version = version.Version,
            UpdatedAt = version.RecordedAt,
        };
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> RollbackAsync(
        long toVersion, long expectedVersion, MemoryEmbedding? embedding, CancellationToken cancellationToken = default)
    {
        var state = RequireVisible();
        RequireVersion(state, expectedVersion);
        if (!IsEditableHot(state.State))
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, state.State);
        }

        var target = toVersion >= 1 && toVersion < state.Version ? state.History.LastOrDefault(v => v.Version == toVersion) : null;
        if (target is null)
        {
            throw new ArgumentOutOfRangeException(
                nameof(toVersion), toVersion, $"Memory '{state.Id}' is at version {state.Version}; a rollback restores one of versions 1-{state.Version - 1}.");
        }

        var next = state with
        {
            Text = target.Text,
            Embedding = target.Text == state.Text ? state.Embedding : embedding,
            Tags = target.Tags,
            Entities = target.Entities,
            ValidFrom = target.ValidFrom,
            ValidTo = target.ValidTo,
            Version = state.Version + 1,
            UpdatedAt = TimeProvider.GetUtcNow(),
        };
        await CommitAsync(next with { History = [.. state.History, Snapshot(next, $"rolled_back_to_v{toVersion}")] }, cancellationToken);
        return _cube.State.ToRecord();
    }

    /// <summary>The last version recorded at or before <paramref name="asOf"/>, or null when the cube is younger.</summary>
    private static MemoryVersion? VersionAt(IReadOnlyList<MemoryVersion> history, DateTimeOffset asOf)
    {
        MemoryVersion? visible = null;
        foreach (var version in history)
        {
            if (version.RecordedAt > asOf)
            {
                break;
            }

            visible = version;
        }

        return visible;
    }

    /// <inheritdoc />
    public Task<MemoryEmbedding?> GetEmbeddingAsync(CancellationToken cancellationToken = default)
        => Task.FromResult(RequireVisible().Embedding);

    /// <inheritdoc />
    public async Task SetEmbeddingAsync(MemoryEmbedding embedding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        var state = RequireVisible();
        if (state.State == MemCubeLifecycle.Archived)
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, state.State);
        }

        await CommitAsync(state with { Embedding = embedding }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(long? expectedVersion, CancellationToken cancellationToken = default)
    {
        var state = RequireLive();
        if (expectedVersion is { } expected)
        {
            RequireVersion(state, expected);
        }

        await EraseAsync(state, "deleted", cancellationToken);
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> ArchiveAsync(long? expectedVersion, CancellationToken cancellationToken = default)
    {
        var state = RequireVisible();
        if (expectedVersion is { } expected)
        {
            RequireVersion(state, expected);
        }

        if (state.State != MemCubeLifecycle.Activated)
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, MemCubeLifecycle.Archived);
        }

        // The vault first, then the hot state: a failure in between leaves the cube active with a spare vault copy
        // (overwritten by the next archive, destroyed by erasure), never a cube whose payload is nowhere.
        var now = TimeProvider.GetUtcNow();
        var archived = state with { State = MemCubeLifecycle.Archived, Version = state.Version + 1, UpdatedAt = now };
        await Vault().PutAsync(new MemVaultEntry(state.Text, state.Embedding, [.. state.History, Snapshot(archived, "archived")], now), cancellationToken);
        await CommitAsync(archived with { Text = "", Embedding = null, History = [], PayloadInVault = true }, cancellationToken);
        return _cube.State.ToRecord() with { Text = state.Text };
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> AbsorbAsync(FusedSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var state = RequireVisible();
        if (state.State != MemCubeLifecycle.Activated)
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, MemCubeLifecycle.Activated);
        }

        if (state.FusedFrom.Any(f => f.CubeId == source.CubeId))
        {
            return state.ToRecord();
        }

        var next = state with { FusedFrom = [.. state.FusedFrom, source], Version = state.Version + 1, UpdatedAt = TimeProvider.GetUtcNow() };
        await CommitAsync(next with { History = [.. state.History, Snapshot(next, $"fused_from_{source.CubeId}")] }, cancellationToken);
        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> MergeIntoAsync(string survivorId, CancellationToken cancellationToken = default)
    {
        if (!MemCubeKeys.IsValidCubeId(survivorId))
        {
            throw new ArgumentException($"'{survivorId}' is not a valid MemCube id.", nameof(survivorId));
        }

        var state = RequireLive();
        if (state.State != MemCubeLifecycle.Activated)
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, MemCubeLifecycle.Merged);
        }

        var next = state with { State = MemCubeLifecycle.Merged, MergedInto = survivorId, Version = state.Version + 1, UpdatedAt = TimeProvider.GetUtcNow() };
        await CommitAsync(next with { History = [.. state.History, Snapshot(next, $"merged_into_{survivorId}")] }, cancellationToken);
        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<MemoryRecord?> ArchiveIfColdAsync(DateTimeOffset idleBefore, int maxAccessCount, CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists || state.State != MemCubeLifecycle.Activated || state.Pinned || IsExpired(state)
            || state.Access.Count > maxAccessCount
            || (state.Access.LastAccessAt is { } last && last > idleBefore) || state.UpdatedAt > idleBefore)
        {
            return null;
        }

        return await ArchiveAsync(null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<MemoryRecord> RestoreAsync(long? expectedVersion, CancellationToken cancellationToken = default)
    {
        var state = RequireVisible();
        if (expectedVersion is { } expected)
        {
            RequireVersion(state, expected);
        }

        if (state.State != MemCubeLifecycle.Archived)
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, MemCubeLifecycle.Activated);
        }

        // The hot state first, then the vault copy goes: a failure in between leaves a spare copy, never a loss.
        var entry = await VaultEntryAsync(cancellationToken);
        var restored = state with
        {
            State = MemCubeLifecycle.Activated, Text = entry.Text, Embedding = entry.Embedding,
            Version = state.Version + 1, UpdatedAt = TimeProvider.GetUtcNow(),
        };
        await CommitAsync(restored with { History = [.. entry.History, Snapshot(restored, "restored")], PayloadInVault = false }, cancellationToken);
        await Vault().EraseAsync(cancellationToken);
        return _cube.State.ToRecord();
    }

    /// <inheritdoc />
    public async Task<bool> ExpireAsync(CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists || state.State is MemCubeLifecycle.Expired or MemCubeLifecycle.Deleted
            || state.ExpiresAt is not { } expiresAt || expiresAt > TimeProvider.GetUtcNow())
        {
            return false;
        }

        await TransitionAsync(MemCubeLifecycle.Expired, "expired", cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> PurgeAsync(DateTimeOffset graceEnd, CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists || state.State != MemCubeLifecycle.Expired || state.UpdatedAt > graceEnd)
        {
            return false;
        }

        await EraseAsync(state, "purged", cancellationToken);
        return true;
    }

    /// <summary>Erasure: the payload leaves the current version and every historical one, and the vault; metadata
    /// stays as a tombstone so history and audit can say that a memory existed and when it was erased.</summary>
    private async Task EraseAsync(MemCubeState state, string change, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(state, cancellationToken);
        var erased = state with
        {
            State = MemCubeLifecycle.Deleted,
            Text = "",
            Embedding = null,
            Tags = [],
            Entities = [],
            Provenance = state.Provenance is { } p ? p with { Speaker = null } : null,
            FusedFrom = [.. state.FusedFrom.Select(static f => f with { Provenance = f.Provenance with { Speaker = null } })],
            Version = state.Version + 1,
            UpdatedAt = TimeProvider.GetUtcNow(),
            PayloadInVault = false,
        };
        var blanked = history.Select(static v => v with { Text = "", Tags = [], Entities = [] }).ToList();
        blanked.Add(Snapshot(erased, change));
        await CommitAsync(erased with { History = blanked }, cancellationToken);
        await Vault().EraseAsync(cancellationToken);
        LogErased(_logger, state.Id);
    }

    /// <inheritdoc />
    public async Task<MemoryHistory> GetHistoryAsync(CancellationToken cancellationToken = default)
    {
        var state = _cube.State;
        if (!state.Exists)
        {
            throw new MemoryNotFoundException(MemCubeKeys.CubeIdOf(GetPrimaryKeyString()));
        }

        var history = await HistoryAsync(state, cancellationToken);

        // An expired memory is never returned, its history's payload included (metadata stays readable).
        return new MemoryHistory(state.Id, IsExpired(state) ? [.. history.Select(static v => v with { Text = "", Tags = [], Entities = [] })] : history);
    }

    /// <inheritdoc />
    public Task RecordAccessAsync(int count, DateTimeOffset lastAccessAt, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (_cube.State.Exists && _cube.State.State != MemCubeLifecycle.Deleted)
        {
            CountAccess(count, lastAccessAt);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _accessFlushTimer?.Dispose();
        await FlushAccessAsync(cancellationToken);
    }

    private void CountAccess(int count, DateTimeOffset at)
    {
        var access = _cube.State.Access;
        var decayed = access.LastAccessAt is { } last && at > last
            ? access.DecayedFrequency * Math.Pow(0.5, (at - last).TotalSeconds / AccessHalfLife.TotalSeconds)
            : access.DecayedFrequency;
        var latest = access.LastAccessAt is { } previous && previous > at ? previous : at;
        _cube.State = _cube.State with { Access = new MemoryAccessStats(access.Count + count, latest, decayed + count) };
        _accessDirty = true;
        _accessFlushTimer ??= RegisterGrainTimer(FlushAccessAsync, AccessFlushPeriod, AccessFlushPeriod);
    }

    private async Task FlushAccessAsync(CancellationToken cancellationToken)
    {
        if (!_accessDirty)
        {
            return;
        }

        try
        {
            await _cube.WriteStateAsync(cancellationToken);
            _accessDirty = false;
        }
        catch (InconsistentStateException)
        {
            // Another writer changed the cube; its content wins and the unflushed counts are dropped.
            LogAccessFlushConflict(_logger, _cube.State.Id);
            await _cube.ReadStateAsync(cancellationToken);
            _accessDirty = false;
        }
    }

    private async Task TransitionAsync(MemCubeLifecycle to, string change, CancellationToken cancellationToken)
    {
        var state = RequireLive();
        if (!MemCubeLifecycleRules.CanTransition(state.State, to))
        {
            throw new InvalidLifecycleTransitionException(state.Id, state.State, to);
        }

        var next = state with { State = to, Version = state.Version + 1, UpdatedAt = TimeProvider.GetUtcNow() };
        await CommitAsync(next with { History = [.. state.History, Snapshot(next, change)] }, cancellationToken);
    }

    private async Task CommitAsync(MemCubeState next, CancellationToken cancellationToken)
    {
        var previous = _cube.State;
        _cube.State = next;
        try
        {
            await _cube.WriteStateAsync(cancellationToken);
            _accessDirty = false;
        }
        catch
        {
            // A failed write must not leave the activation showing a version that storage does not hold.
            _cube.State = previous;
            throw;
        }

        if (!previous.Exists || previous.State != next.State)
        {
            _metrics.Record(new LifecycleEvent(
                next.UpdatedAt, next.TenantId, next.Id, next.Kind, previous.Exists ? previous.State : null, next.State));
        }
    }

    private MemCubeState RequireLive()
    {
        var state = _cube.State;
        if (!state.Exists || state.State == MemCubeLifecycle.Deleted)
        {
            throw new MemoryNotFoundException(MemCubeKeys.CubeIdOf(GetPrimaryKeyString()));
        }

        return state;
    }

    /// <summary>The cube, if it exists, is not erased and has not expired (by state or by its time to live).</summary>
    private MemCubeState RequireVisible()
    {
        var state = RequireLive();
        if (IsExpired(state))
        {
            throw new MemoryNotFoundException(state.Id);
        }

        return state;
    }

    private bool IsExpired(MemCubeState state)
        => state.State == MemCubeLifecycle.Expired || (state.ExpiresAt is { } at && at <= TimeProvider.GetUtcNow());

    /// <summary>Whether the hot state's payload may be edited: an archived cube's payload is in the vault, so it must
    /// be restored first.</summary>
    private static bool IsEditableHot(MemCubeLifecycle state) => MemCubeLifecycleRules.IsEditable(state) && state != MemCubeLifecycle.Archived;

    private IMemVaultGrain Vault() => GrainFactory.GetGrain<IMemVaultGrain>(GetPrimaryKeyString());

    /// <summary>Every version of the cube: the vault's (while its payload is there) followed by the hot state's.</summary>
    private async Task<IReadOnlyList<MemoryVersion>> HistoryAsync(MemCubeState state, CancellationToken cancellationToken)
        => state.PayloadInVault
            ? [.. ((await Vault().GetAsync(cancellationToken))?.History ?? []), .. state.History]
            : state.History;

    private async Task<MemVaultEntry> VaultEntryAsync(CancellationToken cancellationToken)
        => await Vault().GetAsync(cancellationToken)
           ?? throw new InvalidOperationException($"Memory '{_cube.State.Id}' is archived but its MemVault entry is missing.");

    private static void RequireVersion(MemCubeState state, long expectedVersion)
    {
        if (state.Version != expectedVersion)
        {
            throw new VersionConflictException(state.Id, expectedVersion, state.Version);
        }
    }

    private static void ValidateText(string? text, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("A memory's text must not be empty.", parameterName);
        }

        if (text.Length > MaxTextLength)
        {
            throw new ArgumentException($"A memory's text is at most {MaxTextLength} characters.", parameterName);
        }
    }

    private static MemoryVersion Snapshot(MemCubeState s, string change)
        => new(s.Version, change, s.State, s.Text, s.Tags, s.Entities, s.ValidFrom, s.ValidTo, s.UpdatedAt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Memory {CubeId} erased")]
    private static partial void LogErased(ILogger logger, string cubeId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Access statistics of memory {CubeId} were dropped: the cube changed in storage")]
    private static partial void LogAccessFlushConflict(ILogger logger, string cubeId);
}
