namespace MemOS.Runtime;

/// <summary>A timer of one activation. Each tick is enqueued as a turn; while a tick is queued or running, further
/// ticks are dropped so that a slow callback never piles up a backlog.</summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly GrainActivation _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private ITimer? _timer;
    private int _tickPending;
    private volatile bool _disposed;

    public GrainTimer(GrainActivation activation, Func<CancellationToken, Task> callback)
    {
        _activation = activation;
        _callback = callback;
    }

    public bool IsDisposed => _disposed;

    public void Start(TimeProvider timeProvider, TimeSpan dueTime, TimeSpan period)
    {
        // ExecutionContext is not captured into the timer: ticks belong to the activation, not to the turn that
        // happened to register the timer.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = timeProvider.CreateTimer(static state => ((GrainTimer)state!).OnTick(), this, dueTime, period);
        }
    }

    public async Task RunTickAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_disposed)
            {
                await _callback(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timer?.Dispose();
        _activation.RemoveTimer(this);
    }

    private void OnTick()
    {
        if (_disposed || Interlocked.Exchange(ref _tickPending, 1) != 0)
        {
            return;
        }

        if (!_activation.TryEnqueueTick(this))
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }
}
