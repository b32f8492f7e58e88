using MemOS.Inference.Generation;
using MemOS.Inference.KvCache;
using MemOS.Inference.Llama;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Hosting;

/// <summary>Registers the silo's <see cref="IGenerationEngine"/> from <see cref="InferenceOptions"/>.</summary>
public static class InferenceHostingExtensions
{
    /// <summary>What a silo without <c>MemOS:Inference:ModelPath</c> answers to chat and activation requests.</summary>
    public const string NotConfiguredReason =
        "No generation model is configured: set MemOS:Inference:ModelPath to a GGUF file (./memos serve --model <model.gguf>) " +
        "to enable /v1/chat and activation memory; the rest of the silo works without it.";

    /// <summary>Uses the generation model <c>MemOS:Inference</c> names (loaded once, while the silo starts), or an
    /// <see cref="UnavailableGenerationEngine"/> when none is named; replaces any engine registered before.</summary>
    /// <param name="services">The services.</param>
    /// <param name="dataDirectory">The silo's data directory (the KV cache store's default parent).</param>
    /// <returns>The same services.</returns>
    /// <remarks>A named model that cannot be loaded fails the start: <see cref="OptionsValidationException"/> for a
    /// missing file or a bad setting, <see cref="LlamaException"/> for missing native libraries (run
    /// <c>./memos install</c>) or a file llama.cpp rejects, each naming what is wrong.</remarks>
    public static IServiceCollection UseConfiguredGenerationModel(this IServiceCollection services, string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>());
        services.RemoveAll<IGenerationEngine>();
        services.AddSingleton(provider => Create(provider, dataDirectory));
        services.AddHostedService<GenerationModelWarmup>();
        return services;
    }

    private static IGenerationEngine Create(IServiceProvider services, string dataDirectory)
    {
        var options = services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        if (options.ModelPath is null)
        {
            return new UnavailableGenerationEngine(NotConfiguredReason);
        }

        var loggers = services.GetRequiredService<ILoggerFactory>();
        LlamaLibrary.Initialize(logger: loggers.CreateLogger("MemOS.Inference.Llama"));
        return LlamaGenerationEngine.Load(Path.GetFullPath(options.ModelPath), new LlamaGenerationEngineOptions
        {
            Template = PromptTemplate.Find(options.PromptTemplate)!,
            ContextTokens = options.ContextTokens,
            BatchTokens = options.BatchTokens,
            Threads = options.Threads,
            PrecomputeMaxBatch = options.PrecomputeMaxBatch,
            KvCache = new KvCacheStoreOptions
            {
                Directory = Path.GetFullPath(options.KvCacheDirectory ?? Path.Combine(dataDirectory, "kv-cache")),
                MaxBytes = options.KvCacheMaxBytes,
            },
        }, services.GetRequiredService<InferenceMetrics>(), loggers, services.GetRequiredService<TimeProvider>());
    }

    /// <summary>Loads the model while the host starts, so that a misconfigured one fails the start instead of the
    /// first chat.</summary>
    private sealed class GenerationModelWarmup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<IGenerationEngine>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
