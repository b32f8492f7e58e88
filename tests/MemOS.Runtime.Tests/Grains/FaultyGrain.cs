namespace MemOS.Runtime.Tests.Grains;

public interface IFaultyGrain : IGrainWithStringKey
{
    Task ThrowAsync(string message);

    Task<int> ThrowSynchronouslyAsync();

    Task CancelAsync();

    Task<Guid> GetInstanceIdAsync();
}

public sealed class FaultyGrain : Grain, IFaultyGrain
{
    private readonly Guid _instanceId = Guid.NewGuid();

    public async Task ThrowAsync(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    // Not an async method: the exception escapes before any task exists.
    public Task<int> ThrowSynchronouslyAsync() => throw new ArgumentException("thrown synchronously");

    public Task CancelAsync() => throw new OperationCanceledException("cancelled inside the grain");

    public Task<Guid> GetInstanceIdAsync() => Task.FromResult(_instanceId);
}
