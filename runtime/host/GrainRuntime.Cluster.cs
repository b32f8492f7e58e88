using System.Collections.Concurrent;
using System.Reflection;
using MemOS.Runtime.Cluster;
using Microsoft.Extensions.Logging;

namespace MemOS.Runtime;

/// <content>Placement and forwarding across the silos of a cluster.</content>
/// <remarks>
/// <para>Each call is routed by the current <see cref="ClusterView"/>: an activation in this runtime takes it; otherwise
/// the owner by rendezvous hashing (<see cref="ClusterView.OwnerOf"/>) of the grain's type and key decides, or of
/// another grain's where the class is <see cref="PlacedWithAttribute"/> (co-located); a
/// <see cref="LocalPlacementAttribute"/> class is activated wherever it is called. When that is this silo, the call
/// activates the grain here; when it is another silo, the call travels there as JSON (<see cref="GrainCallCodec"/>)
/// through the <see cref="IClusterTransport"/>, and its result or exception comes back.</para>
/// <para>A silo that receives a forwarded call routes it again by its own view, so a call that reached a silo that
/// is stopping, or whose view is older, moves on; after <see cref="MaxForwardHops"/> forwards the receiver runs it
/// wherever it landed, so that silos whose views disagree never pass a call around for ever. A silo that is shutting
/// down keeps its share while it deactivates its grains but creates no activation (unless no other silo is active):
/// calls for grains it holds none of go to their owner among the active silos.</para>
/// <para>When a new view gives grains to another silo, the activations here are deactivated
/// (<see cref="DeactivationReason.PlacementChanged"/>), their state written; calls that arrive meanwhile wait for the
/// deactivation and then go to the new owner. Views of different silos can disagree for up to a heartbeat interval,
/// so a grain may briefly have an activation on two silos; its ETag-checked writes resolve that overlap (the second
/// writer gets <see cref="InconsistentStateException"/>, never a silent overwrite).</para>
/// </remarks>
public sealed partial class GrainRuntime
{
    /// <summary>After this many forwards a silo runs a call where it landed, whatever its view says.</summary>
    internal const int MaxForwardHops = 2;

    /// <summary>A call that could not be delivered (the target refused or was unreachable) is routed again this many
    /// times in all before the failure reaches the caller.</summary>
    internal const int MaxSendAttempts = 4;

    private readonly IClusterMembership? _membership;
    private readonly IClusterTransport? _transport;
    private readonly GrainCallCodec _codec;
    private readonly ConcurrentDictionary<(string Interface, string Method), (GrainInterfaceInfo Info, MethodInfo Method)> _forwardedMethods = new();

    /// <summary>Deactivates every activation whose grain the current cluster view places on another silo, and waits
    /// until they are gone (their state written). The runtime does this by itself after each view change; a silo told
    /// of a membership change by another silo calls it to answer only once the hand-over is done.</summary>
    /// <param name="cancellationToken">Stops waiting (the deactivations still complete).</param>
    /// <returns>The number of activations this call began deactivating (0 for a silo that is a cluster of one, or is
    /// shutting down: shutdown deactivates everything).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<int> RebalanceAsync(CancellationToken cancellationToken = default)
    {
        if (_membership is null)
        {
            return 0;
        }

        var view = _membership.View;
        if (view.LocalStatus == SiloStatus.ShuttingDown)
        {
            return 0;
        }

        var moving = SnapshotActivations()
            .Where(a => !a.GrainClass.IsLocallyPlaced && OwnerOf(view, a.Id, a.GrainClass)?.SiloId != view.LocalSiloId)
            .ToList();
        var started = moving.Count(static a => a.TryBeginDeactivation(DeactivationReason.PlacementChanged));
        await Task.WhenAll(moving.Select(static a => a.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (started > 0)
        {
            Logger.LogInformationRebalanced(started, view.Version);
        }

        return started;
    }

    /// <summary>Runs a grain call that another silo forwarded here (see <see cref="ClusterRoutes.GrainCallPattern"/>):
    /// routes it by this silo's view like any call (it may move on once more), and encodes its outcome.</summary>
    /// <param name="grainType">The grain type name the sender routed by.</param>
    /// <param name="method">The grain interface method name.</param>
    /// <param name="hops">How many silos forwarded the call before this one (at least 1).</param>
    /// <param name="request">The request envelope (UTF-8 JSON: interface, key, arguments).</param>
    /// <param name="cancellationToken">Cancelled when the sender gives up; passed to the grain method.</param>
    /// <returns>The outcome envelope: the result, or the exception the grain call threw (which the sender re-throws).</returns>
    /// <exception cref="FormatException">The request is not a valid envelope, or its arguments do not fit the method.</exception>
    /// <exception cref="KeyNotFoundException">The interface, its method or the grain type is not registered here (the
    /// silos run different versions).</exception>
    /// <exception cref="ClusterUnavailableException">This runtime is stopped and took no call.</exception>
    public async Task<byte[]> InvokeForwardedCallAsync(
        string grainType, string method, int hops, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(method);
        var (interfaceName, key, document) = GrainCallCodec.ReadRequest(request);
        using (document)
        {
            var (info, target) = ResolveForwarded(interfaceName, method);
            if (info.GrainClass.GrainType != grainType)
            {
                throw new KeyNotFoundException($"{interfaceName} is implemented by grain type '{info.GrainClass.GrainType}' here, not '{grainType}'.");
            }

            ValidateKey(key);
            var arguments = _codec.ReadArguments(document, target, cancellationToken);
            lock (_directoryLock)
            {
                if (_stopped)
                {
                    throw new ClusterUnavailableException($"The grain runtime of this silo is stopped; grain {grainType}/{key} was not called.");
                }
            }

            object? result;
            try
            {
                result = await InvokeAsync(
                    new GrainId(grainType, key), info, target, arguments, grain => GrainMethodInvoker.InvokeBoxedAsync(target, grain, arguments),
                    Math.Max(hops, 1)).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                return _codec.WriteException(exception);
            }

            return _codec.WriteResult(result, GrainMethodInvoker.ResultType(target));
        }
    }

    /// <summary>Where a call for a grain with no activation here goes: null to activate it here, else the silo to
    /// forward it to. Runs under the directory lock.</summary>
    /// <exception cref="ClusterUnavailableException">No silo owns grains.</exception>
    private ClusterMember? Place(GrainId id, GrainClassInfo grainClass, int hops)
    {
        var view = _membership!.View;
        var owner = OwnerOf(view, id, grainClass);
        var local = view.LocalStatus;
        if (owner is not null && owner.SiloId == view.LocalSiloId)
        {
            if (local != SiloStatus.ShuttingDown)
            {
                return null;
            }

            // Stopping: what this silo holds it keeps until deactivated, but new activations belong to the next owner.
            // The last silo of a cluster has nobody to hand over to: it activates here, and shutdown deactivates it
            // again (a grain that calls another while it deactivates).
            var target = grainClass.PlacementOf(id.GrainKey);
            return view.ActiveOwnerOf(target.GrainType, target.GrainKey);
        }

        if (hops >= MaxForwardHops && local == SiloStatus.Active)
        {
            return null;
        }

        if (hops > 2 * MaxForwardHops)
        {
            throw new ClusterUnavailableException($"Grain call {id} was forwarded {hops} times without reaching a silo that takes it.");
        }

        return owner ?? throw new ClusterUnavailableException(
            $"No silo owns grains yet (this silo is {local.ToName()}); grain {id} cannot be called. Retry once the cluster has started.");
    }

    /// <summary>The silo that owns a grain in <paramref name="view"/>: by rendezvous hashing of its placement target
    /// (<see cref="PlacedWithAttribute"/>), else of its own type and key.</summary>
    private static ClusterMember? OwnerOf(ClusterView view, GrainId id, GrainClassInfo grainClass)
    {
        var target = grainClass.PlacementOf(id.GrainKey);
        return view.OwnerOf(target.GrainType, target.GrainKey);
    }

    private async Task<TResult> ForwardAsync<TResult>(
        ClusterMember target, GrainId id, GrainInterfaceInfo interfaceInfo, MethodInfo method, object?[]? arguments, int hops)
    {
        var request = _codec.WriteRequest(interfaceInfo.InterfaceType, id.GrainKey, method, arguments);
        using var activity = RuntimeMetrics.ActivitySource.StartActivity(RuntimeMetrics.ForwardSpanName);
        activity?.SetTag("grain.type", id.GrainType);
        activity?.SetTag("memos.silo.target", target.SiloId);
        var started = TimeProvider.GetTimestamp();
        var outcome = "ok";
        try
        {
            var response = await _transport!.InvokeAsync(target, id.GrainType, method.Name, hops + 1, request, CancellationTokenOf(method, arguments))
                .ConfigureAwait(false);
            return (TResult)_codec.ReadOutcome(response, GrainMethodInvoker.ResultType(method), target.SiloId)!;
        }
        catch (ClusterTransportException)
        {
            outcome = "transport_error";
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "transport");
            throw;
        }
        catch (Exception exception)
        {
            outcome = "exception";
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
        finally
        {
            Metrics.RecordForward(id.GrainType, outcome, TimeProvider.GetElapsedTime(started));
        }
    }

    private async Task RecoverFromFailedSendAsync(ClusterMember target, ClusterTransportException failure, int attempt, CancellationToken cancellationToken)
    {
        Logger.LogWarningForwardFailed(failure, target.SiloId, target.Endpoint, attempt);
        try
        {
            await _membership!.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MemOSException exception)
        {
            Logger.LogWarningRefreshFailed(exception);
        }

        // The silo may be dead without being declared so yet; a short pause lets a heartbeat catch up.
        await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    private (GrainInterfaceInfo Info, MethodInfo Method) ResolveForwarded(string interfaceName, string method)
        => _forwardedMethods.GetOrAdd((interfaceName, method), key =>
        {
            var interfaceType = _implementations.Keys.FirstOrDefault(t => t.FullName == key.Interface)
                ?? throw new KeyNotFoundException($"No grain interface {key.Interface} is registered on this silo.");
            var info = _interfaces.GetOrAdd(interfaceType, CreateInterfaceInfo);
            var candidates = interfaceType.GetMethods().Concat(interfaceType.GetInterfaces().SelectMany(static i => i.GetMethods()))
                .Where(m => !m.IsStatic && !m.ContainsGenericParameters && m.Name == key.Method)
                .ToList();
            return candidates.Count switch
            {
                1 => (info, candidates[0]),
                0 => throw new KeyNotFoundException($"Grain interface {key.Interface} has no method {key.Method} on this silo."),
                _ => throw new KeyNotFoundException($"Grain interface {key.Interface} overloads {key.Method}; overloaded methods cannot be forwarded."),
            };
        });

    private static CancellationToken CancellationTokenOf(MethodInfo method, object?[]? arguments)
    {
        if (arguments is null)
        {
            return CancellationToken.None;
        }

        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length && i < arguments.Length; i++)
        {
            if (parameters[i].ParameterType == typeof(CancellationToken) && arguments[i] is CancellationToken token)
            {
                return token;
            }
        }

        return CancellationToken.None;
    }

    private void OnViewChanged(object? sender, ClusterView view) => _ = RebalanceInBackgroundAsync();

    private async Task RebalanceInBackgroundAsync()
    {
        try
        {
            await RebalanceAsync(StoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (StoppingToken.IsCancellationRequested)
        {
            // Stopping: shutdown deactivates everything.
        }
        catch (Exception exception)
        {
            Logger.LogErrorRebalanceFailed(exception);
        }
    }
}
