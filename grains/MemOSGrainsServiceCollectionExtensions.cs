using MemOS.Grains.Activation;
using MemOS.Grains.Parameters;
using MemOS.Grains.Reader;
using MemOS.Grains.Scheduling;
using MemOS.Grains.Telemetry;
using MemOS.Inference.Generation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MemOS.Grains;

/// <summary>Registers the services MemOS grains depend on (the grain classes themselves are registered with the runtime).</summary>
public static class MemOSGrainsServiceCollectionExtensions
{
    /// <summary>Adds the MemReader, the scheduler, activation and parameter options (validated: <see cref="ActivationOptionsValidator"/>,
    /// <see cref="ParameterOptionsValidator"/>),
    /// the grains' telemetry (<see cref="MemCubeMetrics"/>, <see cref="SchedulerMetrics"/>, <see cref="InferenceMetrics"/>)
    /// and, unless one is registered, an <see cref="UnavailableGenerationEngine"/> (no chat, no activation memory).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddMemOSGrainServices(this IServiceCollection services)
    {
        services.TryAddSingleton<IMemReader, PlaintextMemReader>();
        services.TryAddSingleton<MemCubeMetrics>();
        services.TryAddSingleton<SchedulerMetrics>();
        services.TryAddSingleton<InferenceMetrics>();
        services.TryAddSingleton<IGenerationEngine>(_ => new UnavailableGenerationEngine(
            "No generation model is configured: chat and activation memory are unavailable."));
        services.AddOptions<ActivationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActivationOptions>, ActivationOptionsValidator>());
        services.AddOptions<ParameterOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ParameterOptions>, ParameterOptionsValidator>());
        services.AddOptions<MemSchedulerOptions>();
        services.AddOptions<MemReaderOptions>();
        return services;
    }
}
