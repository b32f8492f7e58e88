namespace MemOS.Runtime.Tests.Grains;

public interface ICallerGrain : IGrainWithStringKey
{
    Task<int> AddToCounterAsync(string counterKey, int amount);
}

/// <summary>Calls another grain from inside its own turn.</summary>
public sealed class CallerGrain : Grain, ICallerGrain
{
    public async Task<int> AddToCounterAsync(string counterKey, int amount)
    {
        var first = await GrainFactory.GetGrain<ICounterGrain>(counterKey).AddAsync(amount);
        return first + await GrainFactory.GetGrain<ICounterGrain>(counterKey).AddAsync(0);
    }
}
