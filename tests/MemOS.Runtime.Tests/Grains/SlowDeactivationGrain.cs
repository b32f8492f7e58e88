using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests.Grains;

public interface ISlowDeactivationGrain : IGrainWithStringKey
{
    Task<Guid> PingAsync();
}

/// <summary>Its deactivation waits at the gate "deactivate KEY"; the probe tracker "instances KEY" counts live
/// instances from OnActivateAsync to the end of OnDeactivateAsync.</summary>
public sealed class SlowDeactivationGrain(GrainProbe probe) : Grain, ISlowDeactivationGrain
{
    private readonly Guid _instanceId = Guid.NewGuid();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Tracker($"instances {GetPrimaryKeyString()}").Enter();
        probe.Record($"activated {_instanceId}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Signal($"deactivating {GetPrimaryKeyString()}").TrySetResult();
        await probe.Signal($"deactivate {GetPrimaryKeyString()}").Task;
        probe.Record($"deactivated {_instanceId}");
        probe.Tracker($"instances {GetPrimaryKeyString()}").Exit();
    }

    public Task<Guid> PingAsync() => Task.FromResult(_instanceId);
}
