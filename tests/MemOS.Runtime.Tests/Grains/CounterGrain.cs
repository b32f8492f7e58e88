using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();

    Task<string?> GetEtagAsync();

    /// <summary>Changes the value in memory only; <see cref="Grain.OnDeactivateAsync"/> persists it.</summary>
    Task SetUnsavedAsync(int value);

    Task ClearAsync();

    Task DeactivateAsync();

    Task<Guid> GetInstanceIdAsync();
}

public sealed class CounterState
{
    public int Value { get; set; }
}

/// <summary>A persistent counter that reports its lifecycle to the probe as "activate KEY VALUE" and
/// "deactivate KEY REASON".</summary>
public sealed class CounterGrain(GrainProbe probe, [PersistentState("counter")] IPersistentState<CounterState> counter)
    : Grain, ICounterGrain
{
    private readonly Guid _instanceId = Guid.NewGuid();
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate {GetPrimaryKeyString()} {counter.State.Value}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await counter.WriteStateAsync(cancellationToken);
        }

        probe.Record($"deactivate {GetPrimaryKeyString()} {reason}");
    }

    public async Task<int> AddAsync(int amount)
    {
        counter.State.Value += amount;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Value);

    public Task<string?> GetEtagAsync() => Task.FromResult(counter.Etag);

    public Task SetUnsavedAsync(int value)
    {
        counter.State.Value = value;
        _dirty = true;
        return Task.CompletedTask;
    }

    public Task ClearAsync() => counter.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<Guid> GetInstanceIdAsync() => Task.FromResult(_instanceId);
}
