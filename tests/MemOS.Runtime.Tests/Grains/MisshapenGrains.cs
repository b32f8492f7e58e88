namespace MemOS.Runtime.Tests.Grains;

/// <summary>A grain interface with a synchronous method, which the runtime must reject.</summary>
public interface INotAsyncGrain : IGrainWithStringKey
{
    int Compute();
}

/// <summary>A grain interface with no registered implementation.</summary>
public interface IUnregisteredGrain : IGrainWithStringKey
{
    Task PingAsync();
}

/// <summary>A grain interface with two implementations.</summary>
public interface IDuplicateGrain : IGrainWithStringKey
{
    Task PingAsync();
}

public sealed class NotAsyncGrain : Grain, INotAsyncGrain
{
    public int Compute() => 42;
}

public sealed class DuplicateOneGrain : Grain, IDuplicateGrain
{
    public Task PingAsync() => Task.CompletedTask;
}

public sealed class DuplicateTwoGrain : Grain, IDuplicateGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
