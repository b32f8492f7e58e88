using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Governance;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Runtime;

namespace MemOS.Grains.Governance;

/// <summary>A partition of a tenant's audit log (see <see cref="IAuditLogGrain"/>): the head holds the entries not yet sealed
/// (at most <see cref="IAuditLogGrain.SegmentSize"/>) and an index of the sealed segments (sequence range and time range);
/// a full head is sealed into an <see cref="AuditSegmentGrain"/> keyed by its first sequence number before the head is
/// cleared, so a crash between the two repeats a seal, never loses entries. A read scans the stored heads of every
/// partition of the tenant (they are durable before an append returns) and opens only the segments that can hold entries
/// after the cursor.</summary>
[GrainType(GrainTypeName)]
[PlacedWith(typeof(MemCubePlacement))]
public sealed class AuditLogGrain : Grain, IAuditLogGrain
{
    /// <summary>The grain type name.</summary>
    public const string GrainTypeName = "memaudit";

    /// <summary>The state name.</summary>
    public const string StateName = "head";

    /// <summary>The last part of a space partition's key.</summary>
    public const string SpacePartitionSuffix = "audit";

    private readonly IPersistentState<AuditHead> _head;
    private readonly IGrainStateQuery _query;

    /// <summary>Creates the grain; the runtime binds <paramref name="head"/> to storage.</summary>
    /// <param name="head">The persisted head of the partition.</param>
    /// <param name="query">Scans the stored heads of the tenant's partitions for reads.</param>
    public AuditLogGrain([PersistentState(StateName)] IPersistentState<AuditHead> head, IGrainStateQuery query)
    {
        _head = head;
        _query = query;
    }

    /// <summary>The key of a space's partition: <c>{tenant}/{spaceKey}/audit</c> (placed with the space's MemScheduler).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="spaceKey">The space key.</param>
    /// <returns>The partition key.</returns>
    public static string SpacePartitionKey(string tenantId, string spaceKey) => MemCubeKeys.SpacePrefix(tenantId, spaceKey) + SpacePartitionSuffix;

    /// <summary>The key of the segment of partition <paramref name="partitionKey"/> whose first entry has sequence number
    /// <paramref name="first"/>.</summary>
    /// <param name="partitionKey">The partition's grain key.</param>
    /// <param name="first">The first sequence number (1, 1 + SegmentSize, ...).</param>
    /// <returns>The segment grain key.</returns>
    public static string SegmentKey(string partitionKey, long first) => partitionKey + "/" + first.ToString("D19", CultureInfo.InvariantCulture);

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
            var sealedSegment = new AuditSegmentInfo(head.First, head.Entries.Count, head.Entries[0].Time, head.Entries[^1].Time);
            head = new AuditHead { First = head.First + head.Entries.Count, Entries = [], Segments = [.. head.Segments, sealedSegment] };
        }

        var now = TimeProvider.GetUtcNow();
        var last = head.Entries.Count > 0 ? head.Entries[^1].Time : head.Segments.Count > 0 ? head.Segments[^1].LastTime : DateTimeOffset.MinValue;
        var entry = new AuditEntry(head.First + head.Entries.Count, now < last ? last : now, principal, action, target, outcome, detail, PartitionOf(GetPrimaryKeyString()));
        await _head.CommitAsync(head with { Entries = [.. head.Entries, entry] }, cancellationToken);
        return entry;
    }

    /// <inheritdoc />
    public async Task<AuditPage> ReadAsync(Caller caller, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IAuditLogGrain.MaxPageSize);
        var cursor = after is null ? AuditCursor.Start : AuditCursor.Parse(after);
        var key = GetPrimaryKeyString();
        var tenant = key.Contains('/') ? key[..key.IndexOf('/')] : key;
        if (!caller.IsClusterAdmin)
        {
            var role = caller.BelongsTo(tenant) ? await GrainFactory.GetGrain<ITenantGrain>(tenant).GetRoleAsync(caller, cancellationToken) : null;
            if (role != TenantRole.Admin)
            {
                throw new AccessDeniedException($"Only an admin of tenant '{tenant}' reads its audit log.");
            }
        }

        // Each partition contributes at most `limit` entries after the cursor (its entries are in time order); the merge
        // keeps the first `limit` of all of them.
        var candidates = new List<AuditEntry>();
        await foreach (var row in _query.ScanAsync<AuditHead>(GrainTypeName, StateName, tenant, cancellationToken))
        {
            if (row.GrainKey != tenant && !row.GrainKey.StartsWith(tenant + "/", StringComparison.Ordinal))
            {
                continue; // another tenant whose name starts with this one's
            }

            var taken = 0;
            foreach (var segment in row.State.Segments.Where(s => s.LastTime.UtcTicks >= cursor.Ticks))
            {
                foreach (var entry in await GrainFactory.GetGrain<IAuditSegmentGrain>(SegmentKey(row.GrainKey, segment.First)).ReadAsync(cancellationToken))
                {
                    if (taken < limit && cursor.IsBefore(entry))
                    {
                        candidates.Add(entry);
                        taken++;
                    }
                }

                if (taken >= limit)
                {
                    break;
                }
            }

            foreach (var entry in row.State.Entries)
            {
                if (taken < limit && cursor.IsBefore(entry))
                {
                    candidates.Add(entry);
                    taken++;
                }
            }
        }

        var page = candidates.OrderBy(static e => e, AuditCursor.Order).Take(limit).ToList();
        return new AuditPage(page, page.Count == limit ? AuditCursor.Of(page[^1]).ToString() : null);
    }

    /// <summary>The partition name entries of the partition with this key carry: the space key, or null for governance.</summary>
    private static string? PartitionOf(string key)
    {
        var first = key.IndexOf('/');
        var last = key.LastIndexOf('/');
        return first < 0 || last <= first ? null : key[(first + 1)..last];
    }
}

/// <summary>A position in a tenant's merged audit log: entries are ordered by time (UTC ticks), then partition (ordinal,
/// governance first), then sequence. Its text form is <c>{ticks}.{sequence}.{base64url(partition)}</c>.</summary>
/// <param name="Ticks">The time of the last entry read, in UTC ticks.</param>
/// <param name="Partition">Its partition ("" for governance).</param>
/// <param name="Sequence">Its sequence number.</param>
public readonly record struct AuditCursor(long Ticks, string Partition, long Sequence)
{
    /// <summary>Before every entry.</summary>
    public static AuditCursor Start { get; } = new(long.MinValue, "", 0);

    /// <summary>The order of a merged log.</summary>
    public static IComparer<AuditEntry> Order { get; } = Comparer<AuditEntry>.Create(static (a, b) => Of(a).CompareTo(Of(b)));

    /// <summary>The cursor just at an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The cursor.</returns>
    public static AuditCursor Of(AuditEntry entry) => new(entry.Time.UtcTicks, entry.Partition ?? "", entry.Sequence);

    /// <summary>Whether an entry comes after this cursor.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool IsBefore(AuditEntry entry) => CompareTo(Of(entry)) < 0;

    /// <summary>Compares positions.</summary>
    /// <param name="other">The other position.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(AuditCursor other)
    {
        var byTime = Ticks.CompareTo(other.Ticks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byPartition = string.CompareOrdinal(Partition, other.Partition);
        return byPartition != 0 ? byPartition : Sequence.CompareTo(other.Sequence);
    }

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Ticks}.{Sequence}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Partition))}");

    /// <summary>Parses a cursor's text form.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The cursor.</returns>
    /// <exception cref="ArgumentException">It is not a cursor.</exception>
    public static AuditCursor Parse(string text)
    {
        var parts = (text ?? "").Split('.');
        if (parts.Length == 3 && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && Base64Url.IsValid(parts[2])
            && parts[2].Length <= 400)
        {
            return new AuditCursor(ticks, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[2])), sequence);
        }

        throw new ArgumentException($"'{text}' is not an audit cursor (the 'next' of a previous page).", nameof(text));
    }
}

/// <summary>The stored head of an <see cref="AuditLogGrain"/> partition.</summary>
public sealed record AuditHead
{
    /// <summary>The sequence number of the first entry in <see cref="Entries"/> (the entries before it are sealed).</summary>
    public long First { get; init; } = 1;

    /// <summary>The entries not yet sealed, in order.</summary>
    public List<AuditEntry> Entries { get; init; } = [];

    /// <summary>The sealed segments, in order.</summary>
    public List<AuditSegmentInfo> Segments { get; init; } = [];
}

/// <summary>Where a sealed segment is and what it covers.</summary>
/// <param name="First">Its first sequence number (its key).</param>
/// <param name="Count">How many entries it holds.</param>
/// <param name="FirstTime">The time of its first entry.</param>
/// <param name="LastTime">The time of its last entry.</param>
public sealed record AuditSegmentInfo(long First, int Count, DateTimeOffset FirstTime, DateTimeOffset LastTime);

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
