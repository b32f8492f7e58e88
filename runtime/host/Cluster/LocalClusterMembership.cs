namespace MemOS.Runtime.Cluster;

/// <summary>The membership of a silo that is a cluster of one (embedded SQLite storage): it knows itself only, needs no
/// store and no heartbeat, and never forwards a call.</summary>
public sealed class LocalClusterMembership : IClusterMembership
{
    private readonly TimeProvider _timeProvider;
    private readonly DateTimeOffset _startedAt;
    private Uri _endpoint = new("http://localhost/");
    private volatile ClusterView _view;

    /// <summary>Creates the membership; the silo is <see cref="SiloStatus.Joining"/> until <see cref="JoinAsync"/>.</summary>
    /// <param name="timeProvider">The clock (start and heartbeat times).</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public LocalClusterMembership(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _startedAt = timeProvider.GetUtcNow();
        LocalSiloId = SiloIdentity.NewSiloId();
        _view = Create(SiloStatus.Joining, 0);
    }

    /// <inheritdoc />
    public ClusterView View => _view;

    /// <inheritdoc />
    public string LocalSiloId { get; }

    /// <inheritdoc />
    public event EventHandler<ClusterView>? ViewChanged;

    /// <inheritdoc />
    /// <remarks>Never raised: nobody else can declare a cluster of one dead.</remarks>
    public event EventHandler? DeclaredDead
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public Task JoinAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        Publish(SiloStatus.Active);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task BeginLeaveAsync(CancellationToken cancellationToken)
    {
        Publish(SiloStatus.ShuttingDown);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>The silo stays listed as <see cref="SiloStatus.ShuttingDown"/>: a cluster of one has nobody to hand over to.</remarks>
    public Task LeaveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<ClusterView> RefreshAsync(CancellationToken cancellationToken) => Task.FromResult(_view);

    private void Publish(SiloStatus status)
    {
        var view = Create(status, _view.Version + 1);
        _view = view;
        ViewChanged?.Invoke(this, view);
    }

    private ClusterView Create(SiloStatus status, long version)
        => new(LocalSiloId, [new ClusterMember(LocalSiloId, _endpoint, status, _startedAt, _timeProvider.GetUtcNow(), SiloIdentity.Version)], version);
}
