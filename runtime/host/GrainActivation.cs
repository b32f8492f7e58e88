using System.Threading.Channels;
using MemOS.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemOS.Runtime;

/// <summary>
/// One live instance of a grain: a mailbox drained by a single loop, so exactly one turn (activation, call, timer
/// tick, deactivation) runs at a time, in arrival order, each to completion including its awaits.
/// </summary>
/// <remarks>
/// Lifecycle: open (accepting work) -> closed (a deactivation was decided; nothing new is accepted) -> finished
/// (removed from the runtime's directory, <see cref="Completion"/> set). Calls that find the activation closed wait
/// for <see cref="Completion"/> and go to the next activation, so two activations of one grain never coexist.
/// Lock order: the runtime's directory lock may be held while taking <see cref="_lock"/>, never the reverse.
/// </remarks>
internal sealed class GrainActivation : IGrainContext
{
    private readonly GrainRuntime _runtime;
    private readonly Channel<WorkItem> _mailbox = Channel.CreateUnbounded<WorkItem>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<GrainTimer> _timers = [];
    private readonly List<IBoundPersistentState> _states = [];
    private bool _closed;
    private bool _finished;
    private int _pendingCalls;
    private DateTimeOffset _lastActivity;
    private volatile bool _deactivateOnIdleRequested;
    private Grain? _grain;
    private AsyncServiceScope? _scope;

    public GrainActivation(GrainRuntime runtime, GrainId id, GrainClassInfo grainClass)
    {
        _runtime = runtime;
        Id = id;
        GrainClass = grainClass;
        _lastActivity = runtime.TimeProvider.GetUtcNow();
    }

    public GrainId Id { get; }

    public GrainClassInfo GrainClass { get; }

    /// <summary>Completes once the activation is deactivated and removed from the directory; never faults.</summary>
    public Task Completion => _completion.Task;

    public string GrainType => Id.GrainType;

    /// <summary>Work items waiting in the mailbox (calls, timer ticks), not counting the one running.</summary>
    public int QueueLength => _mailbox.Reader.CanCount ? _mailbox.Reader.Count : 0;

    public string GrainKey => Id.GrainKey;

    public IGrainFactory GrainFactory => _runtime;

    public TimeProvider TimeProvider => _runtime.TimeProvider;

    /// <summary>Starts the turn loop, without the creating caller's ExecutionContext (the loop outlives that call).</summary>
    public void Start()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(RunAsync);
        }
    }

    public bool TryEnqueueCall(CallWorkItem call)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _pendingCalls++;
            _lastActivity = _runtime.TimeProvider.GetUtcNow();
            return _mailbox.Writer.TryWrite(call);
        }
    }

    public bool TryEnqueueTick(GrainTimer timer)
    {
        lock (_lock)
        {
            return !_closed && _mailbox.Writer.TryWrite(new TimerTickWorkItem(timer));
        }
    }

    /// <summary>Closes the mailbox behind a deactivation entry; the turns already queued run first.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="idleSince">When not null, only an activation with no call queued or running and none since this
    /// instant is closed.</param>
    /// <returns><see langword="true"/> when this call closed it.</returns>
    public bool TryBeginDeactivation(DeactivationReason reason, DateTimeOffset? idleSince = null)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            if (idleSince is { } threshold && (_pendingCalls > 0 || _lastActivity > threshold))
            {
                return false;
            }

            _closed = true;
            _mailbox.Writer.TryWrite(new DeactivateWorkItem(reason));
            _mailbox.Writer.TryComplete();
            return true;
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "The due time must be non-negative or Timeout.InfiniteTimeSpan.");
        }

        if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The period must be non-negative or Timeout.InfiniteTimeSpan.");
        }

        var timer = new GrainTimer(this, callback);
        lock (_lock)
        {
            if (_finished)
            {
                throw new InvalidOperationException($"Grain {Id} is deactivated; it cannot register timers.");
            }

            _timers.Add(timer);
        }

        timer.Start(_runtime.TimeProvider, dueTime, period);
        return timer;
    }

    public void DeactivateOnIdle()
    {
        _deactivateOnIdleRequested = true;
        lock (_lock)
        {
            // Wakes the loop when it is waiting for work; inside a turn the loop sees the flag right after the turn.
            if (!_closed)
            {
                _mailbox.Writer.TryWrite(WakeWorkItem.Instance);
            }
        }
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private async Task RunAsync()
    {
        var reason = DeactivationReason.ActivationFailed;
        Exception? activationError = null;
        try
        {
            try
            {
                await ActivateAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                activationError = exception;
                _runtime.Logger.LogErrorActivationFailed(exception, GrainType, GrainKey);
            }

            if (activationError is null)
            {
                reason = await ProcessMailboxAsync().ConfigureAwait(false);
                await DeactivateAsync(reason).ConfigureAwait(false);
            }
            else
            {
                StopTimers();
                await DisposeGrainAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            // Only a runtime bug lands here; finishing anyway keeps callers from waiting forever.
            _runtime.Logger.LogErrorTurnLoopFailed(exception, GrainType, GrainKey);
        }
        finally
        {
            Finish(reason, activationError);
        }
    }

    private async Task ActivateAsync()
    {
        _scope = _runtime.ScopeFactory.CreateAsyncScope();
        using (RuntimeContext.BeginConstruction(this))
        {
            _grain = GrainClass.CreateInstance(this, _scope.Value.ServiceProvider, _runtime.Storage, _runtime.Serializer, _states);
        }

        foreach (var state in _states)
        {
            await state.ReadStateAsync(_runtime.StoppingToken).ConfigureAwait(false);
        }

        await _grain.OnActivateAsync(_runtime.StoppingToken).ConfigureAwait(false);
    }

    private async Task<DeactivationReason> ProcessMailboxAsync()
    {
        var reader = _mailbox.Reader;
        while (true)
        {
            if (_deactivateOnIdleRequested)
            {
                Close();
                return DeactivationReason.ApplicationRequested;
            }

            if (!reader.TryRead(out var item))
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    // Unreachable: the mailbox is only completed behind a deactivation entry, or by Close above.
                    return DeactivationReason.ApplicationRequested;
                }

                continue;
            }

            switch (item)
            {
                case DeactivateWorkItem deactivate:
                    return deactivate.Reason;
                case CallWorkItem call:
                    await RunCallAsync(call).ConfigureAwait(false);
                    break;
                case TimerTickWorkItem tick:
                    await RunTickAsync(tick.Timer).ConfigureAwait(false);
                    break;
                default:
                    break;
            }
        }
    }

    private async Task RunCallAsync(CallWorkItem call)
    {
        var started = _runtime.TimeProvider.GetTimestamp();
        try
        {
            await call.RunAsync(_grain!).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _pendingCalls--;
                _lastActivity = _runtime.TimeProvider.GetUtcNow();
            }

            _runtime.Metrics.RecordCall(GrainType, _runtime.TimeProvider.GetElapsedTime(started));
        }
    }

    private async Task RunTickAsync(GrainTimer timer)
    {
        try
        {
            await timer.RunTickAsync(_runtime.StoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _runtime.Logger.LogErrorTimerCallbackFailed(exception, GrainType, GrainKey);
        }
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        StopTimers();

        // The token asks OnDeactivateAsync to hurry; the runtime still waits for it, because returning early would
        // let the next activation of this grain start while this one still runs.
        using var timeout = new CancellationTokenSource(_runtime.Options.DeactivationTimeout, _runtime.TimeProvider);
        try
        {
            await _grain!.OnDeactivateAsync(reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _runtime.Logger.LogErrorDeactivationFailed(exception, GrainType, GrainKey, reason);
        }

        await DisposeGrainAsync().ConfigureAwait(false);
    }

    private void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _mailbox.Writer.TryComplete();
        }
    }

    private void StopTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    private async Task DisposeGrainAsync()
    {
        try
        {
            switch (_grain)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
                default:
                    break;
            }

            if (_scope is { } scope)
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            _runtime.Logger.LogErrorDisposeFailed(exception, GrainType, GrainKey);
        }
    }

    private void Finish(DeactivationReason reason, Exception? activationError)
    {
        Close();
        var leftOver = new List<CallWorkItem>();
        while (_mailbox.Reader.TryRead(out var item))
        {
            if (item is CallWorkItem call)
            {
                leftOver.Add(call);
            }
        }

        lock (_lock)
        {
            _finished = true;
        }

        StopTimers();

        // Leave the directory before releasing anyone, so a caller that retries finds no trace of this activation.
        _runtime.OnActivationFinished(this, reason);
        _completion.TrySetResult();
        foreach (var call in leftOver)
        {
            if (activationError is not null)
            {
                call.Fail(activationError);
            }
            else
            {
                call.Forward();
            }
        }
    }
}
