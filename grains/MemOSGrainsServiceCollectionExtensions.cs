using MemOS.Grains.Reader;
using MemOS.Grains.Scheduling;
using MemOS.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MemOS.Grains;

/// <summary>Registers the services MemOS grains depend on (the grain classes themselves are registered with the runtime).</summary>
public static class MemOSGrainsServiceCollectionExtensions
{
    /// <summary>Adds the MemReader, the scheduler options (section <c>MemOS:Scheduler</c>) and the grains' telemetry
    /// (<see cref="MemCubeMetrics"/>, <see cref="SchedulerMetrics"/>).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddMemOSGrainServices(this IServiceCollection services)
    {
        services.TryAddSingleton<IMemReader, PlaintextMemReader>();
        services.TryAddSingleton<MemCubeMetrics>();
        services.TryAddSingleton<SchedulerMetrics>();
        services.AddOptions<MemSchedulerOptions>();
        services.AddOptions<MemReaderOptions>();
        return services;
    }
}
