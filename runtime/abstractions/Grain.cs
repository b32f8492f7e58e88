namespace MemOS.Runtime;

/// <summary>Base class of grain implementations. The runtime constructs a grain when its activation is created
/// (constructor parameters come from dependency injection; <see cref="IPersistentState{TState}"/> parameters
/// marked with <see cref="PersistentStateAttribute"/> are bound to storage), then calls
/// <see cref="OnActivateAsync"/>, then runs calls one at a time in arrival order.</summary>
public abstract class Grain
{
    /// <summary>Binds the grain to the activation being created.</summary>
    /// <exception cref="InvalidOperationException">The grain was constructed outside the runtime.</exception>
    protected Grain()
    {
        GrainContext = RuntimeContext.Constructing
            ?? throw new InvalidOperationException(
                $"{GetType().Name} was constructed outside the grain runtime; get grains from IGrainFactory.GetGrain.");
    }

    /// <summary>The activation's context.</summary>
    public IGrainContext GrainContext { get; }

    /// <summary>The factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    /// <summary>The runtime's clock.</summary>
    protected TimeProvider TimeProvider => GrainContext.TimeProvider;

    /// <summary>Returns this grain's string key.</summary>
    /// <returns>The key the grain was addressed by.</returns>
    public string GetPrimaryKeyString() => GrainContext.GrainKey;

    /// <summary>Runs once when the activation is created, after persistent state is read and before the first call.
    /// An exception fails the triggering call and discards the activation.</summary>
    /// <param name="cancellationToken">Cancelled when the silo stops.</param>
    /// <returns>A task that completes when the grain is ready.</returns>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once when the activation is deactivated, after its last turn. Persist anything not yet
    /// written here; the in-memory instance is dropped afterwards.</summary>
    /// <param name="reason">Why the activation is deactivated.</param>
    /// <param name="cancellationToken">Cancelled when deactivation must end quickly.</param>
    /// <returns>A task that completes when the grain is done.</returns>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registers a timer whose ticks run as turns of this activation (see
    /// <see cref="IGrainContext.RegisterTimer"/>).</summary>
    /// <param name="callback">Runs on each tick.</param>
    /// <param name="dueTime">Time until the first tick.</param>
    /// <param name="period">Time between ticks; <see cref="Timeout.InfiniteTimeSpan"/> for one tick.</param>
    /// <returns>A handle that stops the timer when disposed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative time span other than infinite.</exception>
    protected IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
        => GrainContext.RegisterTimer(callback, dueTime, period);

    /// <summary>Deactivates this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();
}
