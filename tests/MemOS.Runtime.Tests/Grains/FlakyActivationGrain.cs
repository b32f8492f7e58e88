using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests.Grains;

public interface IFlakyActivationGrain : IGrainWithStringKey
{
    Task<string> PingAsync();
}

/// <summary>OnActivateAsync waits at the gate "activate KEY" when it is to fail (see
/// <see cref="GrainProbe.FailNextActivations"/>), then throws.</summary>
public sealed class FlakyActivationGrain(GrainProbe probe) : Grain, IFlakyActivationGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (probe.TakeActivationFailure(GetPrimaryKeyString()))
        {
            await probe.Signal($"activate {GetPrimaryKeyString()}").Task;
            throw new InvalidOperationException("activation failed on purpose");
        }

        probe.Record($"activated {GetPrimaryKeyString()}");
    }

    public Task<string> PingAsync() => Task.FromResult("pong");
}
