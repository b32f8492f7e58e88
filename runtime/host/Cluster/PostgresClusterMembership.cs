using System.Data.Common;
using System.Security.Cryptography;
using MemOS.Runtime.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace MemOS.Runtime.Cluster;

/// <summary>
/// Cluster membership in the PostgreSQL database the silos share (table <c>memos_silo_membership</c>, migration
/// <c>0002_silo_membership.sql</c>), after Orleans' ADO.NET clustering: each silo registers itself, heartbeats on a
/// timer, reads every other silo's row at each heartbeat, and declares dead the silos whose heartbeat is older than
/// <see cref="ClusterOptions.DeathTimeout"/>.
/// </summary>
/// <remarks>
/// <para>Declaring a silo dead is one conditional statement,
/// <c>UPDATE ... SET status = 'dead' WHERE silo_id = @id AND status &lt;&gt; 'dead' AND heartbeat_at = @observed</c>:
/// of several silos that notice at once exactly one changes the row (the others match nothing), and a heartbeat
/// written after the observation cancels the declaration. A silo whose own heartbeat finds its row dead learns that
/// the others gave its grains away: it raises <see cref="DeclaredDead"/>, owns nothing and the host stops.</para>
/// <para>After the database was unreachable, a silo declares nobody dead until it has heartbeated for a whole death
/// timeout again: the others could not heartbeat either, and their rows are stale for that reason alone.</para>
/// <para>Heartbeat times come from each silo's <see cref="TimeProvider"/>; the silos' clocks must agree to well within
/// the death timeout (NTP does).</para>
/// </remarks>
public sealed partial class PostgresClusterMembership : IClusterMembership, IAsyncDisposable, IDisposable
{
    private const string SecretSetting = "cluster_secret";
    private const string Columns = "silo_id, endpoint, status, started_at, heartbeat_at, version";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ClusterOptions _options;
    private readonly IClusterTransport _transport;
    private readonly ClusterSecret _secret;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private readonly DateTimeOffset _startedAt;
    private readonly bool _heartbeatTimer;
    private Uri? _endpoint;
    private SiloStatus _localStatus = SiloStatus.Joining;
    private bool _joined;
    private DateTimeOffset? _healthySince;
    private ITimer? _heartbeat;
    private int _declaredDeadRaised;
    private volatile ClusterView _view;

    /// <summary>Creates the membership; nothing is written until <see cref="JoinAsync"/>.</summary>
    /// <param name="connectionString">The Npgsql connection string of the cluster's database.</param>
    /// <param name="options">Heartbeat, death timeout, secret and notification settings.</param>
    /// <param name="transport">How the other silos are told about changes.</param>
    /// <param name="secret">Receives the cluster secret at join.</param>
    /// <param name="timeProvider">The clock of heartbeats and of the heartbeat timer.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="logger"/> is null.</exception>
    /// <exception cref="ArgumentException">The connection string is blank or invalid.</exception>
    public PostgresClusterMembership(
        string connectionString,
        IOptions<ClusterOptions> options,
        IClusterTransport transport,
        ClusterSecret secret,
        TimeProvider timeProvider,
        ILogger<PostgresClusterMembership>? logger = null)
        : this(connectionString, options, transport, secret, timeProvider, logger, heartbeatTimer: true)
    {
    }

    /// <summary>Creates the membership, optionally without the heartbeat timer (tests call
    /// <see cref="HeartbeatAsync"/> themselves).</summary>
    internal PostgresClusterMembership(
        string connectionString,
        IOptions<ClusterOptions> options,
        IClusterTransport transport,
        ClusterSecret secret,
        TimeProvider timeProvider,
        ILogger? logger,
        bool heartbeatTimer)
    {
        _heartbeatTimer = heartbeatTimer;
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timeProvider);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(builder.ApplicationName))
            {
                builder.ApplicationName = "memos-membership";
            }

            _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            throw new ArgumentException($"Not a valid Npgsql connection string: {exception.Message}", nameof(connectionString), exception);
        }

        _options = options.Value;
        _transport = transport;
        _secret = secret;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _startedAt = timeProvider.GetUtcNow();
        LocalSiloId = SiloIdentity.NewSiloId();
        _view = new ClusterView(LocalSiloId, [], 0);
    }

    /// <inheritdoc />
    public ClusterView View => _view;

    /// <inheritdoc />
    public string LocalSiloId { get; }

    /// <inheritdoc />
    public event EventHandler<ClusterView>? ViewChanged;

    /// <inheritdoc />
    public event EventHandler? DeclaredDead;

    /// <inheritdoc />
    /// <remarks>Also applies the pending schema migrations, and reads (or, as the first silo, generates) the cluster
    /// secret when <see cref="ClusterOptions.Secret"/> is not set. A non-dead row with this silo's endpoint belongs to
    /// an earlier process that died on this address without leaving: it is declared dead at once.</remarks>
    /// <exception cref="ClusterMembershipException">The database failed or could not be reached (transient) or has a newer
    /// schema than this build.</exception>
    public async Task JoinAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
            if (_joined)
            {
                throw new InvalidOperationException($"Silo {LocalSiloId} already joined the cluster.");
            }

            _endpoint = endpoint;
            await RunAsync("join", async () =>
            {
                var found = await PostgresSchema.MigrateAsync(
                    _dataSource, PostgresSchema.Migrations, _timeProvider, _logger, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
                if (found > PostgresSchema.LatestVersion)
                {
                    throw new ClusterMembershipException(
                        $"The database has MemOS schema version {found}, newer than the {PostgresSchema.LatestVersion} this build supports.",
                        innerException: null,
                        isTransient: false);
                }

                _secret.Set(_options.Secret ?? await ReadOrCreateSecretAsync(cancellationToken).ConfigureAwait(false));
                await RegisterAsync(endpoint, cancellationToken).ConfigureAwait(false);
                await PublishAsync(SiloStatus.Joining, cancellationToken).ConfigureAwait(false);
                var now = _timeProvider.GetUtcNow();
                await ExecuteAsync(
                    "UPDATE memos_silo_membership SET status = 'active', status_changed_at = @now, heartbeat_at = @now WHERE silo_id = @me AND status = 'joining';",
                    cancellationToken, ("me", LocalSiloId), ("now", now)).ConfigureAwait(false);
                _joined = true;

                // Trusted from the start: nothing suggests the others' heartbeats are stale for a reason of ours.
                _healthySince = now - _options.DeathTimeout;
                await PublishAsync(SiloStatus.Active, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);

            using (ExecutionContext.SuppressFlow())
            {
                _heartbeat = !_heartbeatTimer ? null : _timeProvider.CreateTimer(
                    static state => ((PostgresClusterMembership)state!).OnHeartbeatTimer(), this, _options.HeartbeatInterval, _options.HeartbeatInterval);
            }
        }
        finally
        {
            _lock.Release();
        }

        LogInformationJoined(_logger, LocalSiloId, endpoint, _view.PlacementSilos.Count);
        await NotifyOthersAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ClusterMembershipException">The database failed.</exception>
    public async Task BeginLeaveAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_joined || _localStatus is SiloStatus.ShuttingDown or SiloStatus.Dead)
            {
                return;
            }

            await RunAsync("announce the shutdown of", async () =>
            {
                await ExecuteAsync(
                    "UPDATE memos_silo_membership SET status = 'shutting_down', status_changed_at = @now WHERE silo_id = @me AND status IN ('joining', 'active');",
                    cancellationToken, ("me", LocalSiloId), ("now", _timeProvider.GetUtcNow())).ConfigureAwait(false);
                await PublishAsync(SiloStatus.ShuttingDown, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }

        LogInformationShuttingDown(_logger, LocalSiloId);
        await NotifyOthersAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The silo's row is deleted: a silo that left is not dead, and the <c>dead</c> status keeps meaning a
    /// silo that stopped without leaving.</remarks>
    /// <exception cref="ClusterMembershipException">The database failed; the others then notice through the death timeout.</exception>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        StopHeartbeat();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_joined || _localStatus == SiloStatus.Dead)
            {
                return;
            }

            await RunAsync("leave", async () =>
            {
                await ExecuteAsync("DELETE FROM memos_silo_membership WHERE silo_id = @me;", cancellationToken, ("me", LocalSiloId)).ConfigureAwait(false);
                await PublishAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }

        LogInformationLeft(_logger, LocalSiloId);
        await NotifyOthersAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ClusterMembershipException">The database failed.</exception>
    public async Task<ClusterView> RefreshAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RunAsync("read the membership of", () => PublishAsync(_localStatus, cancellationToken)).ConfigureAwait(false);
            return _view;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>One heartbeat, as the timer runs it every <see cref="ClusterOptions.HeartbeatInterval"/>: writes this
    /// silo's heartbeat, declares dead the silos whose heartbeat is older than the death timeout, deletes dead rows
    /// older than <see cref="ClusterOptions.DeadSiloRetention"/> and publishes the view. Does nothing before the join
    /// and after the leave.</summary>
    /// <param name="cancellationToken">Cancels the heartbeat.</param>
    /// <returns>The ids of the silos this heartbeat declared dead.</returns>
    /// <exception cref="ClusterMembershipException">The database failed (the timer logs it and tries again next time).</exception>
    public async Task<IReadOnlyList<string>> HeartbeatAsync(CancellationToken cancellationToken = default)
    {
        var declared = new List<string>();
        var declaredDead = false;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_joined || _localStatus == SiloStatus.Dead)
            {
                return declared;
            }

            try
            {
                var now = _timeProvider.GetUtcNow();
                var beat = await ExecuteAsync(
                    "UPDATE memos_silo_membership SET heartbeat_at = @now WHERE silo_id = @me AND status <> 'dead';",
                    cancellationToken, ("me", LocalSiloId), ("now", now)).ConfigureAwait(false);
                if (beat == 0)
                {
                    declaredDead = true;
                    await PublishAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
                    return declared;
                }

                _healthySince ??= now;
                var members = await ReadMembersAsync(cancellationToken).ConfigureAwait(false);
                if (now - _healthySince >= _options.DeathTimeout)
                {
                    var cutoff = now - _options.DeathTimeout;
                    foreach (var member in members.Where(m => m.SiloId != LocalSiloId && m.Status != SiloStatus.Dead && m.HeartbeatAt < cutoff))
                    {
                        var changed = await ExecuteAsync(
                            """
                            UPDATE memos_silo_membership SET status = 'dead', status_changed_at = @now, declared_dead_by = @me
                            WHERE silo_id = @id AND status <> 'dead' AND heartbeat_at = @observed;
                            """,
                            cancellationToken, ("id", member.SiloId), ("me", LocalSiloId), ("now", now), ("observed", member.HeartbeatAt)).ConfigureAwait(false);
                        if (changed == 1)
                        {
                            declared.Add(member.SiloId);
                            LogWarningDeclaredDead(_logger, member.SiloId, member.Endpoint, member.HeartbeatAt, now - member.HeartbeatAt);
                        }
                    }
                }

                await ExecuteAsync(
                    "DELETE FROM memos_silo_membership WHERE status = 'dead' AND status_changed_at < @cutoff;",
                    cancellationToken, ("cutoff", now - _options.DeadSiloRetention)).ConfigureAwait(false);
                await PublishAsync(_localStatus, cancellationToken).ConfigureAwait(false);
                return declared;
            }
            catch (Exception exception) when (exception is DbException or TimeoutException)
            {
                _healthySince = null;
                throw Wrap(exception, "heartbeat in");
            }
        }
        finally
        {
            _lock.Release();
            if (declaredDead)
            {
                OnDeclaredDead();
            }
        }
    }

    /// <summary>Stops the heartbeat and closes the connection pool, without leaving (the others notice the silo gone
    /// through the death timeout).</summary>
    public void Dispose()
    {
        StopHeartbeat();
        _disposing.Cancel();
        _dataSource.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    /// <returns>A task that completes when the pool is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        StopHeartbeat();
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static ClusterMember ReadMember(DbDataReader reader) => new(
        reader.GetString(0),
        new Uri(reader.GetString(1)),
        SiloStatuses.Parse(reader.GetString(2)),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetString(5));

    private void OnHeartbeatTimer() => _ = HeartbeatInBackgroundAsync();

    private async Task HeartbeatInBackgroundAsync()
    {
        try
        {
            await HeartbeatAsync(_disposing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // Disposed: no more heartbeats.
        }
        catch (ObjectDisposedException) when (_disposing.IsCancellationRequested)
        {
            // Disposed while a heartbeat ran.
        }
        catch (Exception exception)
        {
            LogWarningHeartbeatFailed(_logger, exception, LocalSiloId);
        }
    }

    private void OnDeclaredDead()
    {
        if (Interlocked.Exchange(ref _declaredDeadRaised, 1) != 0)
        {
            return;
        }

        StopHeartbeat();
        LogCriticalDeclaredDead(_logger, LocalSiloId);
        DeclaredDead?.Invoke(this, EventArgs.Empty);
    }

    private void StopHeartbeat() => Interlocked.Exchange(ref _heartbeat, null)?.Dispose();

    private async Task RegisterAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // This process holds the endpoint now, so an earlier process registered on it is gone.
        await using (var stale = Command(connection, transaction, """
                         UPDATE memos_silo_membership SET status = 'dead', status_changed_at = @now, declared_dead_by = @me
                         WHERE endpoint = @endpoint AND silo_id <> @me AND status <> 'dead'
                         RETURNING silo_id;
                         """, ("endpoint", endpoint.ToString()), ("me", LocalSiloId), ("now", now)))
        {
            await using var reader = await stale.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                LogWarningReplacedStale(_logger, reader.GetString(0), endpoint);
            }
        }

        await using (var insert = Command(connection, transaction, $"""
                         INSERT INTO memos_silo_membership ({Columns}, generation, status_changed_at)
                         VALUES (@me, @endpoint, 'joining', @started, @now, @version, @generation, @now);
                         """,
                         ("me", LocalSiloId), ("endpoint", endpoint.ToString()), ("started", _startedAt), ("now", now),
                         ("version", SiloIdentity.Version), ("generation", _startedAt.ToUnixTimeMilliseconds())))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ReadOrCreateSecretAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            INSERT INTO memos_cluster_settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING;
            SELECT value FROM memos_cluster_settings WHERE name = @name;
            """, ("name", SecretSetting), ("value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<List<ClusterMember>> ReadMembersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {Columns} FROM memos_silo_membership;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var members = new List<ClusterMember>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            members.Add(ReadMember(reader));
        }

        return members;
    }

    /// <summary>Reads the table and publishes a view in which the local silo has <paramref name="localStatus"/> (the
    /// local silo is the authority on itself; its row may lag, or be gone after the leave). Raises
    /// <see cref="ViewChanged"/> when members or statuses changed.</summary>
    private async Task PublishAsync(SiloStatus localStatus, CancellationToken cancellationToken)
    {
        var members = await ReadMembersAsync(cancellationToken).ConfigureAwait(false);
        _localStatus = localStatus;
        var self = members.Find(m => m.SiloId == LocalSiloId);
        members.RemoveAll(m => m.SiloId == LocalSiloId);
        if (_endpoint is not null)
        {
            members.Add(new ClusterMember(
                LocalSiloId, _endpoint, localStatus, _startedAt, self?.HeartbeatAt ?? _timeProvider.GetUtcNow(), SiloIdentity.Version));
        }

        var previous = _view;
        var candidate = new ClusterView(LocalSiloId, members, previous.Version);
        if (candidate.SameMembers(previous))
        {
            _view = candidate;
            return;
        }

        var view = new ClusterView(LocalSiloId, members, previous.Version + 1);
        _view = view;
        LogInformationViewChanged(_logger, LocalSiloId, view.Version,
            string.Join(", ", view.Members.Select(static m => $"{m.SiloId} {m.Status.ToName()}")));
        ViewChanged?.Invoke(this, view);
    }

    private async Task NotifyOthersAsync(CancellationToken cancellationToken)
    {
        var others = _view.Members.Where(m => m.SiloId != LocalSiloId && m.Status is SiloStatus.Active or SiloStatus.ShuttingDown).ToList();
        await Task.WhenAll(others.Select(async member =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.NotifyTimeout);
            try
            {
                await _transport.NotifyMembershipChangedAsync(member, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is ClusterTransportException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogWarningNotifyFailed(_logger, exception, member.SiloId, member.Endpoint);
            }
        })).ConfigureAwait(false);
    }

    private async Task RunAsync(string operation, Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or TimeoutException)
        {
            throw Wrap(exception, operation);
        }
    }

    private ClusterMembershipException Wrap(Exception exception, string operation)
    {
        var transient = exception is TimeoutException || (exception is NpgsqlException npgsql && PostgresErrors.IsTransient(npgsql));
        return new ClusterMembershipException(
            $"Silo {LocalSiloId} failed to {operation} the cluster membership table: {exception.Message}", exception, transient);
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value switch
            {
                DateTimeOffset time => new NpgsqlParameter<DateTimeOffset>(name, NpgsqlDbType.TimestampTz) { TypedValue = time },
                long number => new NpgsqlParameter<long>(name, NpgsqlDbType.Bigint) { TypedValue = number },
                string text => new NpgsqlParameter<string>(name, NpgsqlDbType.Text) { TypedValue = text },
                _ => throw new ArgumentException($"Unsupported parameter type {value.GetType().Name}.", nameof(parameters)),
            });
        }

        return command;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information,
        Message = "Silo {SiloId} joined the cluster at {Endpoint}; {PlacementSilos} silos own grains")]
    private static partial void LogInformationJoined(ILogger logger, string siloId, Uri endpoint, int placementSilos);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Silo {SiloId} is shutting down")]
    private static partial void LogInformationShuttingDown(ILogger logger, string siloId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Silo {SiloId} left the cluster")]
    private static partial void LogInformationLeft(ILogger logger, string siloId);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning,
        Message = "Declared silo {DeadSiloId} at {Endpoint} dead: last heartbeat at {HeartbeatAt:O}, {Silence} ago")]
    private static partial void LogWarningDeclaredDead(ILogger logger, string deadSiloId, Uri endpoint, DateTimeOffset heartbeatAt, TimeSpan silence);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Critical,
        Message = "Silo {SiloId} was declared dead by the cluster (it missed heartbeats); it owns no grains any more and must stop")]
    private static partial void LogCriticalDeclaredDead(ILogger logger, string siloId);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Heartbeat of silo {SiloId} failed; retrying at the next interval")]
    private static partial void LogWarningHeartbeatFailed(ILogger logger, Exception exception, string siloId);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Information, Message = "Silo {SiloId} cluster view {ViewVersion}: {Members}")]
    private static partial void LogInformationViewChanged(ILogger logger, string siloId, long viewVersion, string members);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning,
        Message = "Could not tell silo {OtherSiloId} at {Endpoint} about a membership change; it learns at its next heartbeat")]
    private static partial void LogWarningNotifyFailed(ILogger logger, Exception exception, string otherSiloId, Uri endpoint);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Warning,
        Message = "Declared silo {StaleSiloId} dead: it was registered at {Endpoint}, which this silo now listens on")]
    private static partial void LogWarningReplacedStale(ILogger logger, string staleSiloId, Uri endpoint);
}
