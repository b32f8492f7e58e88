namespace MemOS.Runtime.Tests.Grains;

public interface ILocalWorkerGrain : IGrainWithStringKey
{
    /// <summary>Counts a call on this activation and returns the count so far.</summary>
    Task<int> WorkAsync();
}

[LocalPlacement]
public sealed class LocalWorkerGrain : Grain, ILocalWorkerGrain
{
    private int _calls;

    public Task<int> WorkAsync() => Task.FromResult(++_calls);
}
