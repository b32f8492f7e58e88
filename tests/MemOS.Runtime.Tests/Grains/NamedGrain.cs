namespace MemOS.Runtime.Tests.Grains;

public interface INamedGrain : IGrainWithStringKey
{
    Task<string> GetGrainTypeAsync();
}

/// <summary>Named by attribute rather than by class name.</summary>
[GrainType("custom-named")]
public sealed class NamedGrain : Grain, INamedGrain
{
    public Task<string> GetGrainTypeAsync() => Task.FromResult(GrainContext.GrainType);
}
