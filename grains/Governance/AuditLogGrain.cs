using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Runtime;

namespace MemOS.Grains.Governance;

/// <summary>A tenant's audit log (see <see cref="IAuditLogGrain"/>): the head holds the entries not yet sealed (at most
/// <see cref="IAuditLogGrain.SegmentSize"/>); a full head is sealed into an <see cref="AuditSegmentGrain"/> keyed by its
/// first sequence number before the head is cleared, so a crash between the two repeats a seal, never loses entries.</summary>
[GrainType(GrainTypeName)]
public sealed class AuditLogGrain : Grain, IAuditLogGrain
{
    /// <summary>The grain type name.</summary>
    public const string GrainTypeName = "memaudit";

    /// <summary>The state name.</summary>
    public const string StateName = "head";

    private readonly IPersistentState<AuditHead> _head;

    /// <summary>Creates the grain; the runtime binds <paramref name="head"/> to storage.</summary>
    /// <param name="head">The persisted head of the log.</param>
    public AuditLogGrain([PersistentState(StateName)] IPersistentState<AuditHead> head) => _head = head;

    /// <summary>The key of the segment whose first entry has sequence number <paramref name="first"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="first">The first sequence number (1, 1 + SegmentSize, ...).</param>
    /// <returns>The segment grain key.</returns>
    public static string SegmentKey(string tenantId, long first) => tenantId + "/" + first.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async Task<AuditEntry> AppendAsync(
        string principal, string action, string target, string outcome, string? detail, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(principal);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        var head = _head.State;
        if (head.Entries.Count >= IAuditLogGrain.SegmentSize)
        {
            await GrainFactory.GetGrain<IAuditSegmentGrain>(SegmentKey(GetPrimaryKeyString(), head.First)).SealAsync(head.Entries, cancellationToken);
            head = new AuditHead { First = head.First + head.Entries.Count, Entries = [] };
        }

        var now = TimeProvider.GetUtcNow();
        var last = head.Entries.Count > 0 ? head.Entries[^1].Time : DateTimeOffset.MinValue;
        var entry = new AuditEntry(head.First + head.Entries.Count, now < last ? last : now, principal, action, target, outcome, detail);
        await _head.CommitAsync(head with { Entries = [.. head.Entries, entry] }, cancellationToken);
        return entry;
    }

    /// <inheritdoc />
    public async Task<AuditPage> ReadAsync(Caller caller, long after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IAuditLogGrain.MaxPageSize);
        var tenant = GetPrimaryKeyString();
        if (!caller.IsClusterAdmin)
        {
            var role = caller.BelongsTo(tenant) ? await GrainFactory.GetGrain<ITenantGrain>(tenant).GetRoleAsync(caller, cancellationToken) : null;
            if (role != TenantRole.Admin)
            {
                throw new AccessDeniedException($"Only an admin of tenant '{tenant}' reads its audit log.");
            }
        }

        var head = _head.State;
        var entries = new List<AuditEntry>(Math.Min(limit, 256));
        var next = after + 1;
        while (entries.Count < limit && next < head.First)
        {
            var first = (next - 1) / IAuditLogGrain.SegmentSize * IAuditLogGrain.SegmentSize + 1;
            var segment = await GrainFactory.GetGrain<IAuditSegmentGrain>(SegmentKey(tenant, first)).ReadAsync(cancellationToken);
            foreach (var entry in segment)
            {
                if (entry.Sequence >= next && entries.Count < limit)
                {
                    entries.Add(entry);
                }
            }

            next = first + IAuditLogGrain.SegmentSize;
        }

        foreach (var entry in head.Entries)
        {
            if (entry.Sequence > after && entries.Count < limit)
            {
                entries.Add(entry);
            }
        }

        var lastSequence = head.First + head.Entries.Count - 1;
        var more = entries.Count > 0 && entries[^1].Sequence < lastSequence;
        return new AuditPage(entries, more ? entries[^1].Sequence : null);
    }
}

/// <summary>The stored head of an <see cref="AuditLogGrain"/>.</summary>
public sealed record AuditHead
{
    /// <summary>The sequence number of the first entry in <see cref="Entries"/> (the entries before it are sealed).</summary>
    public long First { get; init; } = 1;

    /// <summary>The entries not yet sealed, in order.</summary>
    public List<AuditEntry> Entries { get; init; } = [];
}

/// <summary>A sealed audit segment (see <see cref="IAuditSegmentGrain"/>).</summary>
[GrainType(GrainTypeName)]
public sealed class AuditSegmentGrain : Grain, IAuditSegmentGrain
{
    /// <summary>The grain type name.</summary>
    public const string GrainTypeName = "memauditsegment";

    /// <summary>The state name.</summary>
    public const string StateName = "segment";

    private readonly IPersistentState<AuditSegment> _segment;

    /// <summary>Creates the grain; the runtime binds <paramref name="segment"/> to storage.</summary>
    /// <param name="segment">The persisted segment.</param>
    public AuditSegmentGrain([PersistentState(StateName)] IPersistentState<AuditSegment> segment) => _segment = segment;

    /// <inheritdoc />
    public async Task SealAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (_segment.State.Entries.Count > 0)
        {
            return; // sealed before a crash cleared the head: the same entries
        }

        await _segment.CommitAsync(new AuditSegment { Entries = [.. entries] }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<AuditEntry>>(_segment.State.Entries);
}

/// <summary>The stored state of an <see cref="AuditSegmentGrain"/>.</summary>
public sealed record AuditSegment
{
    /// <summary>The entries, in order.</summary>
    public List<AuditEntry> Entries { get; init; } = [];
}
