namespace MemOS.Runtime.Tests.Grains;

public interface IMetricsProbeGrain : IGrainWithStringKey
{
    Task<string> GetGrainTypeAsync();
}

/// <summary>Used only by the metrics test, so its grain type tag identifies that test's measurements.</summary>
[GrainType("metrics-probe")]
public sealed class MetricsProbeGrain : Grain, IMetricsProbeGrain
{
    public Task<string> GetGrainTypeAsync() => Task.FromResult(GrainContext.GrainType);
}
