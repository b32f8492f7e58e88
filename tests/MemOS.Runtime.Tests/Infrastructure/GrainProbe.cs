using System.Collections.Concurrent;

namespace MemOS.Runtime.Tests.Infrastructure;

/// <summary>A singleton the test grains report to, outside any activation, so tests observe lifecycles, overlap
/// and ordering across activations.</summary>
public sealed class GrainProbe
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentDictionary<string, ConcurrencyTracker> _trackers = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private readonly ConcurrentDictionary<string, int> _activationFailures = new();

    public IReadOnlyList<string> Events => [.. _events];

    public void Record(string @event) => _events.Enqueue(@event);

    public int Count(string @event) => _events.Count(e => e == @event);

    public ConcurrencyTracker Tracker(string name) => _trackers.GetOrAdd(name, static _ => new ConcurrencyTracker());

    /// <summary>A one-shot signal: grains <see cref="TaskCompletionSource.TrySetResult"/> it, tests await it, or the
    /// other way round (a gate).</summary>
    public TaskCompletionSource Signal(string name)
        => _signals.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void FailNextActivations(string key, int count) => _activationFailures[key] = count;

    public bool TakeActivationFailure(string key)
    {
        while (_activationFailures.TryGetValue(key, out var left) && left > 0)
        {
            if (_activationFailures.TryUpdate(key, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }

    public sealed class ConcurrencyTracker
    {
        private int _current;
        private int _max;

        public int Max => Volatile.Read(ref _max);

        public int Current => Volatile.Read(ref _current);

        public void Enter()
        {
            var now = Interlocked.Increment(ref _current);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref _current);
    }
}
