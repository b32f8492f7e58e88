using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task StartTimerAsync(int dueSeconds, int periodSeconds, bool throwOnFirstTick);

    Task StopTimerAsync();

    Task<int> GetTicksAsync();

    Task DeactivateAsync();
}

/// <summary>Counts ticks in memory and as probe events "tick KEY"; calls and ticks share the overlap tracker
/// "turn KEY".</summary>
public sealed class TimerGrain(GrainProbe probe) : Grain, ITimerGrain
{
    private IDisposable? _timer;
    private int _ticks;

    public Task StartTimerAsync(int dueSeconds, int periodSeconds, bool throwOnFirstTick)
    {
        _timer = RegisterGrainTimer(
            async cancellationToken =>
            {
                var tracker = probe.Tracker($"turn {GetPrimaryKeyString()}");
                tracker.Enter();
                try
                {
                    await Task.Yield();
                    _ticks++;
                    probe.Record($"tick {GetPrimaryKeyString()}");
                    if (throwOnFirstTick && _ticks == 1)
                    {
                        throw new InvalidOperationException("tick failed on purpose");
                    }
                }
                finally
                {
                    tracker.Exit();
                }
            },
            TimeSpan.FromSeconds(dueSeconds),
            TimeSpan.FromSeconds(periodSeconds));
        return Task.CompletedTask;
    }

    public Task StopTimerAsync()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<int> GetTicksAsync()
    {
        var tracker = probe.Tracker($"turn {GetPrimaryKeyString()}");
        tracker.Enter();
        try
        {
            await Task.Yield();
            return _ticks;
        }
        finally
        {
            tracker.Exit();
        }
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
