namespace MemOS.Runtime.Tests.Grains;

public interface ICompanionGrain : IGrainWithStringKey
{
    Task<string> PingAsync();
}

/// <summary>Placed with the counter grain whose key is the part of its own key before '#' (none: by its own key).</summary>
[PlacedWith(typeof(CompanionPlacement))]
public sealed class CompanionGrain : Grain, ICompanionGrain
{
    public Task<string> PingAsync() => Task.FromResult(this.GetPrimaryKeyString());
}

public sealed class CompanionPlacement : IPlacementAffinity
{
    public PlacementTarget? Colocate(string grainKey)
    {
        var hash = grainKey.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? null : new PlacementTarget("counter", grainKey[..hash]);
    }
}
