using MemOS.Inference.Embeddings;
using MemOS.Inference.Embeddings.Glove;
using MemOS.Inference.Embeddings.OpenAi;
using MemOS.Inference.Llama;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Hosting;

/// <summary>Registers the silo's <see cref="IEmbedder"/> from <see cref="EmbedderOptions"/>.</summary>
public static class EmbedderHostingExtensions
{
    /// <summary>The embedder kinds <see cref="UseConfiguredEmbedder"/> knows.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [EmbedderOptions.GloveKind, EmbedderOptions.OpenAiKind, EmbedderOptions.GgufKind];

    /// <summary>Uses the embedder that <c>MemOS:Embedder</c> names, wrapped in a <see cref="MeasuredEmbedder"/>.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    /// <remarks>The embedder is created while the silo starts (an OpenAI-compatible one probes its endpoint for the
    /// dimension then), so an unknown kind, missing model files or an unreachable endpoint fail the start with
    /// <see cref="OptionsValidationException"/> or <see cref="EmbeddingException"/> naming the fix.</remarks>
    public static IServiceCollection UseConfiguredEmbedder(this IServiceCollection services)
    {
        services.AddOptions<EmbedderOptions>().BindConfiguration(EmbedderOptions.SectionName)
            .Validate(o => Kinds.Contains(o.Kind, StringComparer.OrdinalIgnoreCase),
                $"MemOS:Embedder:Kind must be one of: {string.Join(", ", Kinds)}.")
            .Validate(o => !IsKind(o, EmbedderOptions.OpenAiKind) || (o.Endpoint is { IsAbsoluteUri: true } && !string.IsNullOrWhiteSpace(o.Model)),
                "MemOS:Embedder:Kind 'openai' needs MemOS:Embedder:Endpoint (an absolute URL) and MemOS:Embedder:Model.")
            .Validate(o => !IsKind(o, EmbedderOptions.GgufKind) || !string.IsNullOrWhiteSpace(o.ModelPath),
                "MemOS:Embedder:Kind 'gguf' needs MemOS:Embedder:ModelPath (a GGUF embedding model file).")
            .Validate(o => !IsKind(o, EmbedderOptions.GgufKind) || ParsePooling(o.Pooling) is not null,
                "MemOS:Embedder:Pooling is one of: model, mean, cls, last.")
            .ValidateOnStart();
        services.TryAddSingleton(Create);
        services.AddHostedService<EmbedderWarmup>();
        return services;
    }

    private static bool IsKind(EmbedderOptions options, string kind) => string.Equals(options.Kind, kind, StringComparison.OrdinalIgnoreCase);

    private static IEmbedder Create(IServiceProvider services)
        => new MeasuredEmbedder(CreateConfigured(services), services.GetService<System.Diagnostics.Metrics.IMeterFactory>());

    private static IEmbedder CreateConfigured(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EmbedderOptions>>().Value;
        return options.Kind.ToLowerInvariant() switch
        {
            EmbedderOptions.GloveKind => new GloveSifEmbedder(GloveAssets.Load(options.GloveDirectory), options.SifSmoothingWeight),
            EmbedderOptions.OpenAiKind => OpenAiCompatibleEmbedder.CreateAsync(new OpenAiCompatibleEmbedderOptions
            {
                Endpoint = options.Endpoint,
                Model = options.Model,
                ApiKey = options.ApiKey,
                Dimension = options.Dimension,
            }).GetAwaiter().GetResult(),
            EmbedderOptions.GgufKind => CreateGguf(services, options),
            _ => throw new OptionsValidationException(EmbedderOptions.SectionName, typeof(EmbedderOptions),
                [$"Unknown embedder kind '{options.Kind}'."]),
        };
    }

    private static LlamaEmbedder CreateGguf(IServiceProvider services, EmbedderOptions options)
    {
        try
        {
            LlamaLibrary.Initialize(logger: services.GetRequiredService<ILoggerFactory>().CreateLogger("MemOS.Inference.Llama"));
        }
        catch (LlamaException e)
        {
            throw new EmbeddingException(e.Message, false, e);
        }

        return LlamaEmbedder.Load(Path.GetFullPath(options.ModelPath!), ParsePooling(options.Pooling)!.Value, options.ContextTokens, options.Threads);
    }

    private static LlamaPooling? ParsePooling(string? pooling) => pooling?.ToLowerInvariant() switch
    {
        "model" or "" or null => LlamaPooling.ModelDefault,
        "mean" => LlamaPooling.Mean,
        "cls" => LlamaPooling.Cls,
        "last" => LlamaPooling.Last,
        _ => null,
    };

    /// <summary>Creates the embedder while the host starts, so that a misconfigured one fails the start instead of
    /// the first request.</summary>
    private sealed class EmbedderWarmup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<IEmbedder>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
