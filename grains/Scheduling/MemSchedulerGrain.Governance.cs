using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using MemOS.Grains.Interfaces.Errors;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Parameters;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Memories;
using MemOS.Runtime;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Scheduling;

/// <content>Access control and audit: every public method checks its caller's right on this space (the grain's own
/// check, whatever route the call took), runs the work (the <c>...CoreAsync</c> methods), and records writes, refusals
/// and erasures in the tenant's audit log, never with memory text.</content>
public sealed partial class MemSchedulerGrain
{
    /// <summary>The most cube ids one audit entry lists (the count is always given).</summary>
    private const int MaxAuditedIds = 20;

    /// <summary>The owner of cubes written in this turn (the calling principal in a shared space), or null for the
    /// space's own name.</summary>
    private string? _writer;

    /// <inheritdoc />
    public Task<AddMemoriesResponse> AddMessagesAsync(
        string? conversationId, IReadOnlyList<ConversationMessage> messages, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "memory.add", "space:" + _spaceKey, async () =>
        {
            _writer = WriterOf(caller);
            try
            {
                return await AddMessagesCoreAsync(conversationId, messages, cancellationToken);
            }
            finally
            {
                _writer = null;
            }
        }, static r => $"memories={r.Memories.Count} created={r.Memories.Count(m => m.Created)} ids={Ids(r.Memories.Select(m => m.Memory.Id))}", cancellationToken);

    /// <inheritdoc />
    public Task<SearchResponse> SearchAsync(MemorySearchQuery query, CancellationToken cancellationToken = default, Caller? caller = null)
        => ReadAsync(caller, "memory.search", () => SearchCoreAsync(query, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<MemoryRecord> GetMemoryAsync(string cubeId, CancellationToken cancellationToken = default, Caller? caller = null)
        => ReadAsync(caller, "memory.get", () => GetMemoryCoreAsync(cubeId, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<MemoryRecord> GetMemoryAsOfAsync(string cubeId, DateTimeOffset asOf, CancellationToken cancellationToken = default, Caller? caller = null)
        => ReadAsync(caller, "memory.get", () => GetMemoryAsOfCoreAsync(cubeId, asOf, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<MemoryRecord> RollbackMemoryAsync(
        string cubeId, long toVersion, long expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "memory.rollback", MemoryTarget(cubeId),
            () => RollbackMemoryCoreAsync(cubeId, toVersion, expectedVersion, cancellationToken),
            r => $"to={toVersion} version={r.Version}", cancellationToken);

    /// <inheritdoc />
    public Task<MemoryRecord> UpdateMemoryAsync(
        string cubeId, MemoryUpdate update, long expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "memory.update", MemoryTarget(cubeId),
            () => UpdateMemoryCoreAsync(cubeId, update, expectedVersion, cancellationToken), static r => $"version={r.Version}", cancellationToken);

    /// <inheritdoc />
    public Task DeleteMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "memory.delete", MemoryTarget(cubeId), async () =>
        {
            await DeleteMemoryCoreAsync(cubeId, expectedVersion, cancellationToken);
            return true;
        }, static _ => null, cancellationToken);

    /// <inheritdoc />
    public Task<MemoryRecord> ArchiveMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "memory.archive", MemoryTarget(cubeId),
            () => ArchiveMemoryCoreAsync(cubeId, expectedVersion, cancellationToken), static r => $"version={r.Version}", cancellationToken);

    /// <inheritdoc />
    public Task<MemoryRecord> RestoreMemoryAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "memory.restore", MemoryTarget(cubeId),
            () => RestoreMemoryCoreAsync(cubeId, expectedVersion, cancellationToken), static r => $"version={r.Version}", cancellationToken);

    /// <inheritdoc />
    public Task<ReembedResponse> ReembedAsync(CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "memory.reembed", "space:" + _spaceKey,
            () => ReembedCoreAsync(cancellationToken), static r => $"reembedded={r.Reembedded} model={r.ModelId}", cancellationToken);

    /// <inheritdoc />
    public Task<MemoryHistory> GetHistoryAsync(string cubeId, CancellationToken cancellationToken = default, Caller? caller = null)
        => ReadAsync(caller, "memory.history", () => GetHistoryCoreAsync(cubeId, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<ChatResponse> ChatAsync(ChatQuery query, CancellationToken cancellationToken = default, Caller? caller = null)
        => ReadAsync(caller, "memory.chat", () => ChatCoreAsync(query, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<ActivationRecord> ActivateAsync(IReadOnlyList<string> memoryIds, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "activation.request", "space:" + _spaceKey,
            () => ActivateCoreAsync(memoryIds, cancellationToken), static r => $"activation={r.Id} state={r.State}", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ActivationRecord>> GetActivationsAsync(CancellationToken cancellationToken = default, Caller? caller = null)
        => ReadAsync(caller, "activation.list", () => GetActivationsCoreAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<ParameterRecord> ParameterizeAsync(
        IReadOnlyList<string> memoryIds, int? rank, int? steps, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Write, "parameter.request", "space:" + _spaceKey,
            () => ParameterizeCoreAsync(memoryIds, rank, steps, cancellationToken), static r => $"parameter={r.Id} state={r.State}", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ParameterRecord>> GetParametersAsync(CancellationToken cancellationToken = default, Caller? caller = null)
        => ReadAsync(caller, "parameter.list", () => GetParametersCoreAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<ErasureReport> EraseAsync(string? ownerId, CancellationToken cancellationToken = default, Caller? caller = null)
        => WriteAsync(caller, SpaceRight.Admin, "space.erase", "space:" + _spaceKey,
            () => EraseCoreAsync(ownerId, cancellationToken),
            r => $"owner={ownerId ?? "*"} memories={r.MemoriesErased} activations={r.ActivationsErased} adapters={r.AdaptersErased}", cancellationToken);

    private async Task<ErasureReport> EraseCoreAsync(string? ownerId, CancellationToken cancellationToken)
    {
        var prefix = MemCubeKeys.SpacePrefix(_tenantId, _spaceKey);
        var doomed = new List<string>();
        await foreach (var row in _stateQuery.ScanAsync<MemCubeState>(MemCubeGrain.GrainTypeName, MemCubeGrain.StateName, prefix, cancellationToken))
        {
            if (row.State.Exists && row.State.State != MemCubeLifecycle.Deleted && (ownerId is null || row.State.OwnerId == ownerId))
            {
                doomed.Add(row.State.Id);
            }
        }

        var liveActivations = _activations.Values.Count(a => a.State != ActivationState.Stale);
        var liveAdapters = _parameters.Values.Count(p => p.State != ParameterState.Stale);
        foreach (var id in doomed)
        {
            try
            {
                await Cube(id).DeleteAsync(null, cancellationToken);
            }
            catch (MemoryNotFoundException)
            {
                // Erased meanwhile (a fused duplicate goes with its survivor).
            }

            Unindex(id);
            ForgetArchived(id);
            _expired.Remove(id);
            _tombstones.Add(id);
            await InvalidateActivationsAsync(id, null, cancellationToken);
        }

        var activations = liveActivations - _activations.Values.Count(a => a.State != ActivationState.Stale);
        var adapters = liveAdapters - _parameters.Values.Count(p => p.State != ParameterState.Stale);
        LogSpaceErased(_logger, _spaceKey, doomed.Count, ownerId ?? "*");
        return new ErasureReport(_tenantId, "space:" + _spaceKey, doomed.Count, activations, adapters);
    }

    /// <summary>Checks the read right, then reads; a refusal is audited.</summary>
    private async Task<T> ReadAsync<T>(Caller? caller, string action, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(caller, SpaceRight.Read, action, cancellationToken);
        return await read();
    }

    /// <summary>Checks the right, runs the write and records its outcome in the audit log (a failed write as what it
    /// failed with: not found, conflict, invalid or failed).</summary>
    private async Task<T> WriteAsync<T>(
        Caller? caller, SpaceRight needed, string action, string target, Func<Task<T>> write, Func<T, string?> detail, CancellationToken cancellationToken)
    {
        await AuthorizeAsync(caller, needed, action, cancellationToken);
        T result;
        try
        {
            result = await write();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            await TryAuditAsync(caller, action, target, OutcomeOf(failure), failure.GetType().Name, cancellationToken);
            throw;
        }

        await AuditLog.AppendAsync(caller?.AuditName ?? AuditOutcomes.SystemPrincipal, action, target, AuditOutcomes.Ok, detail(result), cancellationToken);
        return result;
    }

    /// <summary>Throws <see cref="AccessDeniedException"/> (after auditing the refusal) unless the caller holds
    /// <paramref name="needed"/> on this space. A null caller is the silo itself.</summary>
    private async Task AuthorizeAsync(Caller? caller, SpaceRight needed, string action, CancellationToken cancellationToken)
    {
        if (caller is null || caller.IsClusterAdmin)
        {
            return;
        }

        SpaceRight right;
        if (!caller.BelongsTo(_tenantId))
        {
            right = SpaceRight.None;
        }
        else if (caller.Role == TenantRole.Admin)
        {
            // The role the silo authenticated this request with, read from the tenant's governance grain moments ago:
            // an admin holds every right, so no further call is needed.
            right = SpaceRight.Admin;
        }
        else if (_spaceKey == MemCubeKeys.PrivateSpacePrefix + caller.PrincipalId)
        {
            // The caller's own private space: the role decides (no grant can change it).
            right = caller.Role == TenantRole.Reader ? SpaceRight.Read : SpaceRight.Admin;
        }
        else
        {
            right = await GrainFactory.GetGrain<ITenantGrain>(_tenantId).GetRightAsync(caller, _spaceKey, cancellationToken);
        }

        if (right >= needed)
        {
            return;
        }

        // Another tenant's caller leaves no trace in this tenant's log (the silo's log has it).
        if (caller.BelongsTo(_tenantId))
        {
            await TryAuditAsync(caller, action, "space:" + _spaceKey, AuditOutcomes.Denied, $"needs={needed.ToString().ToLowerInvariant()}", cancellationToken);
        }

        throw new AccessDeniedException(
            $"'{caller.AuditName}' lacks the {needed.ToString().ToLowerInvariant()} right on space '{_spaceKey}' of tenant '{_tenantId}'.");
    }

    /// <summary>This space's partition of the tenant's audit log, placed with this grain (appends stay in-process).</summary>
    private IAuditLogGrain AuditLog => GrainFactory.GetGrain<IAuditLogGrain>(Governance.AuditLogGrain.SpacePartitionKey(_tenantId, _spaceKey));

    /// <summary>Records the silo's own lifecycle work (expiry, purge, cold archival).</summary>
    private Task AuditSystemAsync(string action, string cubeId, string? detail, CancellationToken cancellationToken)
        => TryAuditAsync(null, action, MemoryTarget(cubeId), AuditOutcomes.Ok, detail, cancellationToken);

    /// <summary>Appends an audit entry where a failure to do so must not hide the outcome being reported (it is logged).</summary>
    private async Task TryAuditAsync(Caller? caller, string action, string target, string outcome, string? detail, CancellationToken cancellationToken)
    {
        try
        {
            await AuditLog.AppendAsync(caller?.AuditName ?? AuditOutcomes.SystemPrincipal, action, target, outcome, detail, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAuditFailed(_logger, e, action, target);
        }
    }

    private string MemoryTarget(string cubeId) => "memory:" + _spaceKey + "/" + cubeId;

    private string? WriterOf(Caller? caller)
        => caller is not null && _spaceKey.StartsWith(MemCubeKeys.SharedSpacePrefix, StringComparison.Ordinal)
           && MemCubeKeys.IsValidName(caller.PrincipalId) && caller.BelongsTo(_tenantId) && !caller.IsClusterAdmin
            ? caller.PrincipalId
            : null;

    private static string OutcomeOf(Exception failure) => failure switch
    {
        MemoryNotFoundException => AuditOutcomes.NotFound,
        VersionConflictException or InvalidLifecycleTransitionException or MessageConflictException or InconsistentStateException => AuditOutcomes.Conflict,
        ArgumentException => AuditOutcomes.Invalid,
        AccessDeniedException => AuditOutcomes.Denied,
        _ => AuditOutcomes.Failed,
    };

    private static string Ids(IEnumerable<string> ids)
    {
        var list = ids.Take(MaxAuditedIds + 1).ToList();
        return list.Count > MaxAuditedIds ? string.Join(',', list.Take(MaxAuditedIds)) + ",..." : string.Join(',', list);
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Erased {Count} memories of space {Space} (owner {Owner})")]
    private static partial void LogSpaceErased(ILogger logger, string space, int count, string owner);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Error, Message = "Could not record {Action} on {Target} in the audit log")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string action, string target);
}
