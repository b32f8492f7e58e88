using MemOS.Grains.Reader;
using MemOS.Grains.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MemOS.Grains;

/// <summary>Registers the services MemOS grains depend on (the grain classes themselves are registered with the runtime).</summary>
public static class MemOSGrainsServiceCollectionExtensions
{
    /// <summary>Adds the MemReader and the scheduler options (section <c>MemOS:Scheduler</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddMemOSGrainServices(this IServiceCollection services)
    {
        services.TryAddSingleton<IMemReader, PlaintextMemReader>();
        services.AddOptions<MemSchedulerOptions>();
        services.AddOptions<MemReaderOptions>();
        return services;
    }
}
