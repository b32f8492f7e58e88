namespace MemOS.Runtime;

/// <summary>What the runtime gives one activation: its identity and the services bound to it.
/// Grain code reaches it through <see cref="Grain"/>.</summary>
public interface IGrainContext
{
    /// <summary>The grain type name (see <see cref="GrainTypeAttribute"/>).</summary>
    string GrainType { get; }

    /// <summary>The grain's string key.</summary>
    string GrainKey { get; }

    /// <summary>The factory for references to other grains.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>The runtime's clock (a fake one under test).</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Registers a timer whose ticks run as turns of this activation (never overlapping a call).
    /// It stops when disposed or when the activation is deactivated. Ticks do not count as activity for idle
    /// deactivation.</summary>
    /// <param name="callback">Runs on each tick; an exception is logged and the timer continues.</param>
    /// <param name="dueTime">Time until the first tick.</param>
    /// <param name="period">Time between ticks; <see cref="Timeout.InfiniteTimeSpan"/> for a single tick.</param>
    /// <returns>A handle that stops the timer when disposed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative time span other than infinite.</exception>
    IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);

    /// <summary>Asks the runtime to deactivate this activation once the current turn ends.</summary>
    void DeactivateOnIdle();
}
