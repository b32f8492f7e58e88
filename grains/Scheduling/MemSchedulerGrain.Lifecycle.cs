using MemOS.Grains.Interfaces.Memories;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Scheduling;

/// <content>The lifecycle beyond add and erase: archive to and restore from the MemVault, and the sweep that expires
/// memories whose time to live has passed, purges them after the grace period and archives cold ones
/// (<see cref="Memories.LifecycleOptions"/>).</content>
public sealed partial class MemSchedulerGrain
{
    private readonly Dictionary<string, MemoryRecord> _archived = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _expired = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastAccess = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expiring = new(StringComparer.Ordinal);
    private IDisposable? _sweepTimer;

    private async Task<MemoryRecord> ArchiveMemoryCoreAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        RequireKnown(cubeId, includeTombstones: false);
        var record = await Cube(cubeId).ArchiveAsync(expectedVersion, cancellationToken);
        Unindex(cubeId, keepMessages: true);
        RegisterArchived(record with { Text = "" });
        await InvalidateActivationsAsync(cubeId, null, cancellationToken);
        return record;
    }

    private async Task<MemoryRecord> RestoreMemoryCoreAsync(string cubeId, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        // A memory that is not archived is refused by its cube, which names its state.
        var cube = Cube(RequireKnown(cubeId, includeTombstones: false));
        var record = await cube.RestoreAsync(expectedVersion, cancellationToken);
        _archived.Remove(cubeId);
        Index(record, await cube.GetEmbeddingAsync(cancellationToken));
        return record;
    }

    /// <summary>Keeps an archived memory known (by id and by its source messages) outside the hot index.</summary>
    private void RegisterArchived(MemoryRecord record)
    {
        _archived[record.Id] = record;
        if (record.Provenance.ConversationId is { } conversation)
        {
            foreach (var messageId in record.Provenance.MessageIds)
            {
                _messages.TryAdd((conversation, messageId), record.Id);
            }
        }

        StartSweep();
    }

    private void ForgetArchived(string cubeId)
    {
        if (!_archived.Remove(cubeId, out var record) || record.Provenance.ConversationId is not { } conversation)
        {
            return;
        }

        foreach (var messageId in record.Provenance.MessageIds)
        {
            if (_messages.TryGetValue((conversation, messageId), out var owner) && owner == cubeId)
            {
                _messages.Remove((conversation, messageId));
            }
        }
    }

    /// <summary>Starts the sweep timer once there is something it may have to do.</summary>
    private void StartSweep()
        => _sweepTimer ??= RegisterGrainTimer(SweepAsync, _lifecycle.SweepInterval, _lifecycle.SweepInterval);

    /// <summary>One lifecycle sweep: expires, purges and archives, then stops the timer when nothing is left to watch.
    /// A cube that refuses (changed meanwhile) is left for the next sweep.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        var due = _expiring.Select(id => _memories[id].Record).Concat(_archived.Values)
            .Where(r => r.ExpiresAt is { } at && at <= now).Select(static r => r.Id).ToList();
        foreach (var id in due)
        {
            if (await Cube(id).ExpireAsync(cancellationToken))
            {
                Unindex(id);
                ForgetArchived(id);
                _tombstones.Add(id);
                _expired[id] = now;
                await InvalidateActivationsAsync(id, null, cancellationToken);
                LogExpired(_logger, id);
                await AuditSystemAsync("memory.expire", id, null, cancellationToken);
            }
        }

        var graceEnd = now - _lifecycle.ExpiryGracePeriod;
        foreach (var (id, _) in _expired.Where(e => e.Value <= graceEnd).ToList())
        {
            var purged = await Cube(id).PurgeAsync(graceEnd, cancellationToken);
            _expired.Remove(id);
            LogPurged(_logger, id);
            if (purged)
            {
                await AuditSystemAsync("memory.purge", id, null, cancellationToken);
            }
        }

        if (_lifecycle.ArchiveAfterIdle is { } idle)
        {
            var cold = _memories.Values.Select(static m => m.Record)
                .Where(r => r.State == MemCubeLifecycle.Activated && !r.Pinned
                    && _accessCounts.GetValueOrDefault(r.Id) <= _lifecycle.ArchiveMaxAccessCount
                    && Max(_lastAccess.GetValueOrDefault(r.Id), r.UpdatedAt) + idle <= now)
                .Select(static r => r.Id).ToList();
            foreach (var id in cold)
            {
                // The cube decides on its own access statistics: this scheduler's copy may lag (counts not yet flushed).
                if (await Cube(id).ArchiveIfColdAsync(now - idle, _lifecycle.ArchiveMaxAccessCount, cancellationToken) is { } record)
                {
                    Unindex(id, keepMessages: true);
                    RegisterArchived(record with { Text = "" });
                    await InvalidateActivationsAsync(id, null, cancellationToken);
                    LogArchived(_logger, id, idle);
                    await AuditSystemAsync("memory.archive", id, "cold", cancellationToken);
                }
            }
        }

        if (!NeedsSweep())
        {
            _sweepTimer?.Dispose();
            _sweepTimer = null;
        }
    }

    private bool NeedsSweep()
        => (_lifecycle.ArchiveAfterIdle is not null && _memories.Count > 0)
           || _expired.Count > 0
           || _expiring.Count > 0
           || _archived.Values.Any(static r => r.ExpiresAt is not null);

    /// <summary>Tracks whether an indexed memory has a time to live (searches then check it) and starts the sweep when
    /// one may be due.</summary>
    private void TrackLifecycle(MemoryRecord record)
    {
        if (record.ExpiresAt is not null)
        {
            _expiring.Add(record.Id);
        }
        else
        {
            _expiring.Remove(record.Id);
        }

        if (record.ExpiresAt is not null || _lifecycle.ArchiveAfterIdle is not null)
        {
            StartSweep();
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Memory {CubeId} expired")]
    private static partial void LogExpired(ILogger logger, string cubeId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Memory {CubeId} purged after its grace period")]
    private static partial void LogPurged(ILogger logger, string cubeId);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Memory {CubeId} archived after {Idle} without use")]
    private static partial void LogArchived(ILogger logger, string cubeId, TimeSpan idle);
}
