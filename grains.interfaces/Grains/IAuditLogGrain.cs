using MemOS.Grains.Interfaces.Governance;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>One partition of a tenant's append-only audit log: every write, lifecycle transition, grant, key change and
/// erasure, with principal, time and outcome. The partition keyed by the tenant name holds governance (tenants, principals,
/// keys, grants, erasures); each space's partition (key <c>{tenant}/{spaceKey}/audit</c>) is placed with the space's
/// MemScheduler, which appends to it in-process, so a tenant's writes on many silos never queue on one grain. Entries of a
/// partition are numbered from 1 without gaps and their times never go backwards; each append is durable before it
/// returns. A partition keeps its newest entries in its own state and seals every <see cref="SegmentSize"/> entries into an
/// <see cref="IAuditSegmentGrain"/>, so an append writes a bounded record. A read merges every partition of the tenant.</summary>
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Entries per sealed segment.</summary>
    public const int SegmentSize = 128;

    /// <summary>The most entries one read returns.</summary>
    public const int MaxPageSize = 1_000;

    /// <summary>Appends one entry (its sequence number and time are assigned here).</summary>
    /// <param name="principal">Who acted.</param>
    /// <param name="action">What was done (<c>{object}.{verb}</c>).</param>
    /// <param name="target">What it was done to.</param>
    /// <param name="outcome">One of <see cref="AuditOutcomes"/>.</param>
    /// <param name="detail">Ids, counts, states; never memory text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry as stored.</returns>
    Task<AuditEntry> AppendAsync(string principal, string action, string target, string outcome, string? detail,
        CancellationToken cancellationToken = default);

    /// <summary>Reads the whole tenant's log (every partition, merged by time, then partition, then sequence) after a
    /// cursor, oldest first. Whichever partition is asked, the tenant's whole log is read.</summary>
    /// <param name="caller">A tenant admin or the cluster admin.</param>
    /// <param name="after">The <see cref="AuditPage.Next"/> of the previous page, or null from the start.</param>
    /// <param name="limit">At most this many (1 to <see cref="MaxPageSize"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="AccessDeniedException">The caller is not an admin of this tenant.</exception>
    /// <exception cref="ArgumentException"><paramref name="after"/> is not a cursor this log issued.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range.</exception>
    Task<AuditPage> ReadAsync(Caller caller, string? after, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A sealed segment of an audit log partition (key: <c>{partition key}/{first sequence, 19 digits}</c>); written once
/// by its <see cref="IAuditLogGrain"/>.</summary>
public interface IAuditSegmentGrain : IGrainWithStringKey
{
    /// <summary>Stores the segment's entries (once; a second call with the same entries is a no-op).</summary>
    /// <param name="entries">The entries, in sequence order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when durable.</returns>
    Task SealAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Returns the segment's entries.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries, or empty when not sealed.</returns>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(CancellationToken cancellationToken = default);
}
