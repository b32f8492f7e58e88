using MemOS.Grains.Interfaces.Governance;
using MemOS.Runtime;

namespace MemOS.Grains.Interfaces.Grains;

/// <summary>The append-only audit log of one tenant (key: the tenant name): every write, lifecycle transition, grant,
/// key change and erasure, with principal, time and outcome. Entries are numbered from 1 without gaps; each append is
/// durable before it returns. The log keeps the newest entries in its own state and seals every
/// <see cref="SegmentSize"/> entries into an <see cref="IAuditSegmentGrain"/>, so an append writes a bounded record.</summary>
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

    /// <summary>Reads entries after a sequence number, oldest first.</summary>
    /// <param name="caller">A tenant admin or the cluster admin.</param>
    /// <param name="after">Return entries with a greater sequence number (0: from the start).</param>
    /// <param name="limit">At most this many (1 to <see cref="MaxPageSize"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="AccessDeniedException">The caller is not an admin of this tenant.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="after"/> is negative or <paramref name="limit"/> out of range.</exception>
    Task<AuditPage> ReadAsync(Caller caller, long after, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A sealed segment of a tenant's audit log (key: <c>{tenant}/{first sequence, 19 digits}</c>); written once by the
/// tenant's <see cref="IAuditLogGrain"/>.</summary>
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
