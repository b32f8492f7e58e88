using MemOS.Runtime.Tests.Infrastructure;

namespace MemOS.Runtime.Tests.Grains;

public interface IGateGrain : IGrainWithStringKey
{
    /// <summary>Signals "entered KEY", then waits until the test opens the signal "gate KEY".</summary>
    Task WaitAtGateAsync();

    Task<string> PingAsync();
}

public sealed class GateGrain(GrainProbe probe) : Grain, IGateGrain
{
    public async Task WaitAtGateAsync()
    {
        probe.Signal($"entered {GetPrimaryKeyString()}").TrySetResult();
        await probe.Signal($"gate {GetPrimaryKeyString()}").Task;
    }

    public Task<string> PingAsync() => Task.FromResult($"pong {GetPrimaryKeyString()}");
}
