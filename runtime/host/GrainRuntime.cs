using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using MemOS.Runtime.Cluster;
using MemOS.Runtime.Hosting;
using MemOS.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MemOS.Runtime;

/// <summary>
/// The in-process virtual-actor host: hands out grain references, creates an activation on a grain's first call,
/// runs its calls one turn at a time, deactivates idle activations, and deactivates everything on shutdown.
/// Register it with <see cref="GrainRuntimeServiceCollectionExtensions.AddMemOSGrainRuntime"/>; it is the
/// <see cref="IGrainFactory"/> and an <see cref="IHostedService"/>.
/// </summary>
/// <remarks>
/// <para>Turns: an activation runs exactly one call, timer tick, <see cref="Grain.OnActivateAsync"/> or
/// <see cref="Grain.OnDeactivateAsync"/> at a time, in arrival order, each to completion including its awaits. A
/// grain may await calls to other grains inside a turn, but a grain that calls itself, directly or through a cycle
/// of grains (A calls B calls A), deadlocks: the inner call queues behind the turn that waits for it. Work a grain
/// starts without awaiting it (fire-and-forget tasks) is outside the turn and must not touch grain state.</para>
/// <para>Arguments and results are passed by reference, not copied: a caller must not mutate an argument after
/// passing it, and a grain must not hand out its mutable state.</para>
/// <para>Single activation: a call that arrives while an activation deactivates waits for the deactivation to end
/// and then goes to a fresh activation, which reads its state from storage again.</para>
/// </remarks>
public sealed partial class GrainRuntime : IGrainFactory, IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>The longest grain key accepted, in UTF-16 code units.</summary>
    public const int MaxKeyLength = 512;

    private const int MaxShutdownRounds = 16;

    private readonly Lock _directoryLock = new();
    private readonly Dictionary<GrainId, GrainActivation> _activations = [];
    private readonly Dictionary<string, long> _liveByType = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Type[]> _implementations;
    private readonly ConcurrentDictionary<Type, GrainClassInfo> _classes = new();
    private readonly ConcurrentDictionary<Type, GrainInterfaceInfo> _interfaces = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly IGrainStateQuery? _stateQuery;
    private ITimer? _collector;
    private int _collecting;
    private bool _stopped;
    private bool _disposed;

    internal GrainRuntime(
        IServiceProvider services,
        IOptions<GrainRuntimeOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory,
        IEnumerable<GrainRegistration> registrations,
        IGrainStorage? storage,
        IMeterFactory? meterFactory,
        IClusterMembership? membership = null,
        IClusterTransport? transport = null)
    {
        Options = options.Value;
        TimeProvider = timeProvider;
        Logger = (ILogger?)loggerFactory?.CreateLogger<GrainRuntime>() ?? NullLogger.Instance;
        ScopeFactory = services.GetRequiredService<IServiceScopeFactory>();
        Storage = storage is null ? null : new MeasuredGrainStorage(storage, meterFactory);
        Serializer = new GrainStateSerializer(Options.StateSerializerOptions);
        _stateQuery = Storage is null ? null : new GrainStateQuery(Storage, Serializer);
        _implementations = registrations
            .GroupBy(static r => r.InterfaceType)
            .ToDictionary(static g => g.Key, static g => g.Select(static r => r.GrainClass).Distinct().ToArray());
        CheckGrainTypeNamesAreUnique(_implementations.Values.SelectMany(static c => c).Distinct());
        Metrics = new RuntimeMetrics(meterFactory, ObserveLiveActivations, ObserveQueueLengths);
        _codec = new GrainCallCodec(Options.CallSerializerOptions);

        // Without a transport the silo is a cluster of one: every grain is local, whatever the membership says.
        if (membership is not null && transport is not null)
        {
            _membership = membership;
            _transport = transport;
            membership.ViewChanged += OnViewChanged;
        }
    }

    /// <summary>The number of activations in this runtime, including those being activated or deactivated.</summary>
    public int ActivationCount
    {
        get
        {
            lock (_directoryLock)
            {
                return _activations.Count;
            }
        }
    }

    /// <summary>The live activations by grain type name (types with none are left out).</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyDictionary<string, long> LiveActivationsByType()
    {
        lock (_directoryLock)
        {
            return _liveByType.Where(static p => p.Value > 0).ToDictionary(StringComparer.Ordinal);
        }
    }

    internal GrainRuntimeOptions Options { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal IServiceScopeFactory ScopeFactory { get; }

    internal IGrainStorage? Storage { get; }

    internal GrainStateSerializer Serializer { get; }

    internal RuntimeMetrics Metrics { get; }

    internal CancellationToken StoppingToken => _stopping.Token;

    internal IGrainStateQuery StateQuery => _stateQuery
        ?? throw new InvalidOperationException(
            "IGrainStateQuery needs grain storage; call UseSqliteGrainStorage or UseInMemoryGrainStorage.");

    /// <inheritdoc />
    /// <remarks>Also throws <see cref="InvalidOperationException"/> when a method of the interface does not return
    /// <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>,
    /// has a by-reference parameter, when the grain class cannot be constructed by the runtime, or when it declares
    /// persistent state and no storage is registered.</remarks>
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ValidateKey(key);
        var info = _interfaces.GetOrAdd(typeof(TGrainInterface), CreateInterfaceInfo);
        var proxy = DispatchProxy.Create<TGrainInterface, GrainProxy>();
        ((GrainProxy)(object)proxy!).Initialize(new GrainReference(this, new GrainId(info.GrainClass.GrainType, key), info));
        return proxy;
    }

    /// <summary>Initializes grain storage (schema migrations) and starts the idle collector, which runs every
    /// <see cref="GrainRuntimeOptions.CollectionInterval"/> on the runtime's <see cref="System.TimeProvider"/>.</summary>
    /// <param name="cancellationToken">Cancels the storage initialization.</param>
    /// <returns>A task that completes when the runtime is ready.</returns>
    /// <exception cref="GrainStorageException">The storage could not be initialized.</exception>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Storage is not null)
        {
            await Storage.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        lock (_directoryLock)
        {
            if (_collector is null && !_stopped)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _collector = TimeProvider.CreateTimer(
                        static state => ((GrainRuntime)state!).OnCollectorTick(), this, Options.CollectionInterval, Options.CollectionInterval);
                }
            }
        }
    }

    /// <summary>Stops the idle collector and deactivates every activation with
    /// <see cref="DeactivationReason.ShuttingDown"/>, running each <see cref="Grain.OnDeactivateAsync"/> as a final
    /// turn after the turns already queued. Activations created meanwhile (by a grain calling another while it
    /// deactivates) are deactivated too. Afterwards calls that would need a new activation throw
    /// <see cref="InvalidOperationException"/>.</summary>
    /// <param name="cancellationToken">When cancelled, stops waiting (a warning is logged) and cancels the tokens
    /// given to grains' activation and timer callbacks.</param>
    /// <returns>A task that completes when every activation is gone or waiting was cancelled.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ITimer? collector;
        lock (_directoryLock)
        {
            collector = _collector;
            _collector = null;
        }

        collector?.Dispose();
        Logger.LogInformationStopping(ActivationCount);
        try
        {
            using var registration = cancellationToken.Register(static state => ((GrainRuntime)state!).CancelStopping(), this);
            for (var round = 0; round < MaxShutdownRounds && ActivationCount > 0; round++)
            {
                await DeactivateAllAsync(DeactivationReason.ShuttingDown, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Logger.LogWarningStopCancelled(ActivationCount);
        }
        finally
        {
            lock (_directoryLock)
            {
                _stopped = true;
            }

            CancelStopping();
        }
    }

    /// <summary>Deactivates, with <see cref="DeactivationReason.IdleTimeout"/>, every activation that has no call
    /// queued or running and has had none for at least <see cref="GrainRuntimeOptions.IdleTimeout"/> by the runtime's
    /// <see cref="System.TimeProvider"/>. The idle collector calls this; tests call it to collect deterministically.</summary>
    /// <param name="cancellationToken">Stops waiting for the deactivations (they still complete).</param>
    /// <returns>The number of activations deactivated.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<int> CollectIdleActivationsAsync(CancellationToken cancellationToken = default)
    {
        var idleSince = TimeProvider.GetUtcNow() - Options.IdleTimeout;
        var closing = new List<Task>();
        foreach (var activation in SnapshotActivations())
        {
            if (activation.TryBeginDeactivation(DeactivationReason.IdleTimeout, idleSince))
            {
                closing.Add(activation.Completion);
            }
        }

        if (closing.Count > 0)
        {
            await Task.WhenAll(closing).WaitAsync(cancellationToken).ConfigureAwait(false);
            Logger.LogDebugIdleCollected(closing.Count);
        }

        return closing.Count;
    }

    /// <summary>Deactivates every current activation, each after the turns already queued for it, and waits until
    /// they are gone (including those that were already deactivating).</summary>
    /// <param name="reason">The reason passed to <see cref="Grain.OnDeactivateAsync"/>.</param>
    /// <param name="cancellationToken">Stops waiting (the deactivations still complete).</param>
    /// <returns>The number of activations this call began deactivating.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<int> DeactivateAllAsync(DeactivationReason reason, CancellationToken cancellationToken = default)
    {
        var activations = SnapshotActivations();
        var started = activations.Count(activation => activation.TryBeginDeactivation(reason));
        await Task.WhenAll(activations.Select(static a => a.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return started;
    }

    /// <summary>Stops the runtime gracefully (as <see cref="StopAsync"/>, waiting without limit) unless it was already
    /// stopped, then releases its timer and meter.</summary>
    /// <returns>A task that completes when the runtime is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        bool stopped;
        lock (_directoryLock)
        {
            stopped = _stopped;
        }

        if (!stopped)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Dispose();
    }

    /// <summary>Releases the idle collector timer and the meter without deactivating anything; prefer
    /// <see cref="DisposeAsync"/> or <see cref="StopAsync"/>, which run <see cref="Grain.OnDeactivateAsync"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ITimer? collector;
        lock (_directoryLock)
        {
            _stopped = true;
            collector = _collector;
            _collector = null;
        }

        collector?.Dispose();
        CancelStopping();
        Metrics.Dispose();
        (Storage as IDisposable)?.Dispose();
    }

    internal async Task<TResult> InvokeAsync<TResult>(
        GrainId id, GrainInterfaceInfo interfaceInfo, MethodInfo method, object?[]? arguments, Func<Grain, Task<TResult>> body, int hops)
    {
        var failedSends = 0;
        while (true)
        {
            var call = new CallWorkItem<TResult>(body);
            var activation = Enqueue(id, interfaceInfo.GrainClass, call, hops, out var enqueued, out var remote);
            if (remote is not null)
            {
                try
                {
                    return await ForwardAsync<TResult>(remote, id, interfaceInfo, method, arguments, hops).ConfigureAwait(false);
                }
                catch (ClusterTransportException exception) when (!exception.Delivered && ++failedSends < MaxSendAttempts)
                {
                    // The call never reached the silo: it died or stops. Re-read the membership and route again.
                    await RecoverFromFailedSendAsync(remote, exception, failedSends, CancellationTokenOf(method, arguments)).ConfigureAwait(false);
                    continue;
                }
            }

            if (!enqueued)
            {
                await activation!.Completion.ConfigureAwait(false);
                continue;
            }

            try
            {
                return await call.Task.ConfigureAwait(false);
            }
            catch (CallForwardedException)
            {
                await activation!.Completion.ConfigureAwait(false);
            }
        }
    }

    internal void OnActivationFinished(GrainActivation activation, DeactivationReason reason)
    {
        lock (_directoryLock)
        {
            if (_activations.TryGetValue(activation.Id, out var current) && ReferenceEquals(current, activation))
            {
                _activations.Remove(activation.Id);
                _liveByType[activation.GrainType]--;
            }
        }

        Metrics.ActivationDeactivated(activation.GrainType, reason);
        Logger.LogDebugActivationFinished(activation.GrainType, activation.GrainKey, reason);
    }

    private static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException("A grain key must not be empty.", nameof(key));
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A grain key must be at most {MaxKeyLength} characters (got {key.Length}).", nameof(key));
        }

        // Storage encodes keys as UTF-8, where a lone surrogate becomes U+FFFD and two distinct keys would collide.
        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsHighSurrogate(key[i]) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(key[i]))
            {
                throw new ArgumentException($"A grain key must be well-formed UTF-16 (lone surrogate at index {i}).", nameof(key));
            }
        }
    }

    private static void CheckGrainTypeNamesAreUnique(IEnumerable<Type> grainClasses)
    {
        var clash = grainClasses
            .GroupBy(GrainClassInfo.GetGrainTypeName, StringComparer.Ordinal)
            .FirstOrDefault(static g => g.Count() > 1);
        if (clash is not null)
        {
            throw new InvalidOperationException(
                $"Grain classes {string.Join(", ", clash.Select(static c => c.FullName))} share the grain type name '{clash.Key}'; " +
                "give them distinct [GrainType] names.");
        }
    }

    private GrainInterfaceInfo CreateInterfaceInfo(Type interfaceType)
    {
        if (!interfaceType.IsInterface || interfaceType == typeof(IGrainWithStringKey))
        {
            throw new InvalidOperationException($"{interfaceType.Name} is not a grain interface; ask for an interface that extends IGrainWithStringKey.");
        }

        if (!_implementations.TryGetValue(interfaceType, out var classes))
        {
            throw new InvalidOperationException(
                $"No grain class is registered for {interfaceType.Name}; call AddGrain<{interfaceType.Name}, TGrain>() or AddGrainsFromAssembly.");
        }

        if (classes.Length > 1)
        {
            throw new InvalidOperationException(
                $"Grain interface {interfaceType.Name} has {classes.Length} registered implementations " +
                $"({string.Join(", ", classes.Select(static c => c.Name))}); exactly one is required.");
        }

        var grainClass = _classes.GetOrAdd(classes[0], GrainClassInfo.Create);
        if (grainClass.HasPersistentState && Storage is null)
        {
            throw new InvalidOperationException(
                $"Grain class {grainClass.GrainClass.Name} declares persistent state but no grain storage is registered; " +
                "call UseSqliteGrainStorage or UseInMemoryGrainStorage.");
        }

        return GrainInterfaceInfo.Create(interfaceType, grainClass);
    }

    /// <summary>Puts a call in the mailbox of the grain's activation in this runtime, creating the activation when this
    /// silo owns the grain; or, when another silo owns it and no activation is here, returns that silo in
    /// <paramref name="remote"/> (an activation that exists here takes the call even if a new view gives the grain away:
    /// it is being handed over, and the next calls go to the owner once it is gone).</summary>
    private GrainActivation? Enqueue(GrainId id, GrainClassInfo grainClass, CallWorkItem call, int hops, out bool enqueued, out ClusterMember? remote)
    {
        GrainActivation activation;
        remote = null;
        lock (_directoryLock)
        {
            if (_activations.TryGetValue(id, out var existing))
            {
                enqueued = existing.TryEnqueueCall(call);
                return existing;
            }

            if (_stopped)
            {
                throw new InvalidOperationException($"The grain runtime is stopped; grain {id} cannot be activated.");
            }

            if (_membership is not null && !grainClass.IsLocallyPlaced)
            {
                remote = Place(id, grainClass, hops);
                if (remote is not null)
                {
                    enqueued = false;
                    return null;
                }
            }

            activation = new GrainActivation(this, id, grainClass);
            _activations.Add(id, activation);
            _liveByType[id.GrainType] = _liveByType.GetValueOrDefault(id.GrainType) + 1;

            // The triggering call goes in before the loop starts, so an activation failure always reaches it.
            enqueued = activation.TryEnqueueCall(call);
            activation.Start();
        }

        Metrics.ActivationCreated(id.GrainType);
        Logger.LogDebugActivationCreated(id.GrainType, id.GrainKey);
        return activation;
    }

    private GrainActivation[] SnapshotActivations()
    {
        lock (_directoryLock)
        {
            return [.. _activations.Values];
        }
    }

    private IEnumerable<Measurement<long>> ObserveLiveActivations()
    {
        lock (_directoryLock)
        {
            return _liveByType
                .Select(static pair => new Measurement<long>(pair.Value, new KeyValuePair<string, object?>("grain.type", pair.Key)))
                .ToArray();
        }
    }

    private IEnumerable<Measurement<long>> ObserveQueueLengths()
    {
        GrainActivation[] activations;
        lock (_directoryLock)
        {
            activations = [.. _activations.Values];
        }

        return activations.GroupBy(static a => a.GrainType, StringComparer.Ordinal)
            .Select(static g => new Measurement<long>(g.Sum(static a => (long)a.QueueLength), new KeyValuePair<string, object?>("grain.type", g.Key)))
            .ToArray();
    }

    private void OnCollectorTick()
    {
        if (Interlocked.Exchange(ref _collecting, 1) == 0)
        {
            _ = CollectInBackgroundAsync();
        }
    }

    private async Task CollectInBackgroundAsync()
    {
        try
        {
            await CollectIdleActivationsAsync(StoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (StoppingToken.IsCancellationRequested)
        {
            // The runtime is stopping; shutdown deactivates what is left.
        }
        catch (Exception exception)
        {
            Logger.LogErrorIdleCollectionFailed(exception);
        }
        finally
        {
            Volatile.Write(ref _collecting, 0);
        }
    }

    private void CancelStopping()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently: nothing left to cancel.
        }
    }
}
