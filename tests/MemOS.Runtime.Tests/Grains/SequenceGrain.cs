using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests.Grains;

public interface ISequenceGrain : IGrainWithStringKey
{
    Task RecordAsync(int sequence);

    Task<IReadOnlyList<int>> GetRecordedAsync();
}

/// <summary>Records call order and, through the probe tracker "turn KEY", how many of its calls overlap.</summary>
public sealed class SequenceGrain(GrainProbe probe) : Grain, ISequenceGrain
{
    private readonly List<int> _recorded = [];

    public async Task RecordAsync(int sequence)
    {
        var tracker = probe.Tracker($"turn {GetPrimaryKeyString()}");
        tracker.Enter();
        try
        {
            // Suspensions inside the turn: another call would interleave here if turns were not serialized.
            await Task.Yield();
            await Task.Delay(1);
            await Task.Yield();
            _recorded.Add(sequence);
        }
        finally
        {
            tracker.Exit();
        }
    }

    public Task<IReadOnlyList<int>> GetRecordedAsync() => Task.FromResult<IReadOnlyList<int>>([.. _recorded]);
}
