namespace MemOS.Runtime.Cluster;

/// <summary>
/// An immutable snapshot of the cluster as one silo sees it: every member it knows and which of them own grains.
/// Placement is a pure function of the snapshot: the owner of a grain is the placement silo of highest
/// <see cref="RendezvousHash"/> weight.
/// </summary>
public sealed class ClusterView
{
    private readonly string[] _placementIds;
    private readonly ClusterMember[] _placement;
    private readonly string[] _activeIds;
    private readonly ClusterMember[] _active;

    /// <summary>Creates a snapshot.</summary>
    /// <param name="localSiloId">The id of the silo holding the view.</param>
    /// <param name="members">Every member known, the local one included (its status as the local silo sees it).</param>
    /// <param name="version">Increases by one each time the silo's view changes.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Two members share an id.</exception>
    public ClusterView(string localSiloId, IReadOnlyList<ClusterMember> members, long version)
    {
        ArgumentNullException.ThrowIfNull(localSiloId);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Select(static m => m.SiloId).Distinct(StringComparer.Ordinal).Count() != members.Count)
        {
            throw new ArgumentException("Member silo ids must be unique.", nameof(members));
        }

        LocalSiloId = localSiloId;
        Members = [.. members.OrderBy(static m => m.SiloId, StringComparer.Ordinal)];
        Version = version;
        _placement = [.. Members.Where(static m => m.Status.OwnsGrains())];
        _placementIds = [.. _placement.Select(static m => m.SiloId)];
        _active = [.. Members.Where(static m => m.Status == SiloStatus.Active)];
        _activeIds = [.. _active.Select(static m => m.SiloId)];
        Local = Members.FirstOrDefault(m => m.SiloId == localSiloId);
    }

    /// <summary>The id of the silo holding the view.</summary>
    public string LocalSiloId { get; }

    /// <summary>The local silo's entry, or <see langword="null"/> before it registered.</summary>
    public ClusterMember? Local { get; }

    /// <summary>The local silo's status (<see cref="SiloStatus.Joining"/> before it registered).</summary>
    public SiloStatus LocalStatus => Local?.Status ?? SiloStatus.Joining;

    /// <summary>Every member known, ordered by silo id.</summary>
    public IReadOnlyList<ClusterMember> Members { get; }

    /// <summary>The members that own grains (<see cref="SiloStatuses.OwnsGrains"/>), ordered by silo id.</summary>
    public IReadOnlyList<ClusterMember> PlacementSilos => _placement;

    /// <summary>Increases by one each time the holding silo's view changes.</summary>
    public long Version { get; }

    /// <summary>The owner of a grain among <see cref="PlacementSilos"/>.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="grainKey">The grain key.</param>
    /// <returns>The owner, or <see langword="null"/> when no silo owns grains.</returns>
    public ClusterMember? OwnerOf(string grainType, string grainKey)
    {
        var index = RendezvousHash.Owner(grainType, grainKey, _placementIds);
        return index < 0 ? null : _placement[index];
    }

    /// <summary>The owner of a grain once the silos shutting down are gone: among the
    /// <see cref="SiloStatus.Active"/> members only.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="grainKey">The grain key.</param>
    /// <returns>The owner, or <see langword="null"/> when no silo is active.</returns>
    public ClusterMember? ActiveOwnerOf(string grainType, string grainKey)
    {
        var index = RendezvousHash.Owner(grainType, grainKey, _activeIds);
        return index < 0 ? null : _active[index];
    }

    /// <summary>Whether placement gives the same owners in both views (the same placement silos).</summary>
    /// <param name="other">The other view.</param>
    /// <returns><see langword="true"/> when no grain changes owner between them.</returns>
    public bool SamePlacement(ClusterView other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _placementIds.AsSpan().SequenceEqual(other._placementIds) && _activeIds.AsSpan().SequenceEqual(other._activeIds);
    }

    /// <summary>Whether both views hold the same members with the same statuses and endpoints (heartbeats aside).</summary>
    /// <param name="other">The other view.</param>
    /// <returns><see langword="true"/> when nothing but heartbeat times differs.</returns>
    public bool SameMembers(ClusterView other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return LocalSiloId == other.LocalSiloId && Members.Count == other.Members.Count
            && Members.Zip(other.Members).All(static p => p.First.SiloId == p.Second.SiloId && p.First.Status == p.Second.Status
                && p.First.Endpoint == p.Second.Endpoint);
    }

    /// <summary>How many members are in each status (every status present, zero where none).</summary>
    /// <returns>The counts.</returns>
    public IReadOnlyDictionary<SiloStatus, int> CountByStatus()
        => SiloStatuses.All.ToDictionary(static s => s, s => Members.Count(m => m.Status == s));
}
