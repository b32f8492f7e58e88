using MemOS.Inference.Embeddings;
using MemOS.Inference.Embeddings.Glove;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MemOS.Silo.Hosting;

/// <summary>Registers the silo's <see cref="IEmbedder"/> from <see cref="EmbedderOptions"/>.</summary>
public static class EmbedderHostingExtensions
{
    /// <summary>The embedder kinds <see cref="UseConfiguredEmbedder"/> knows.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [EmbedderOptions.GloveKind];

    /// <summary>Uses the embedder that <c>MemOS:Embedder</c> names (one per silo; it embeds every memory and query,
    /// and its model id is recorded on each cube).</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    /// <remarks>The embedder is created on first use; an unknown kind or missing model files fail the silo's start
    /// with <see cref="OptionsValidationException"/> or <see cref="EmbeddingException"/> naming the fix.</remarks>
    public static IServiceCollection UseConfiguredEmbedder(this IServiceCollection services)
    {
        services.AddOptions<EmbedderOptions>().BindConfiguration(EmbedderOptions.SectionName)
            .Validate(o => Kinds.Contains(o.Kind, StringComparer.OrdinalIgnoreCase),
                $"MemOS:Embedder:Kind must be one of: {string.Join(", ", Kinds)}.")
            .ValidateOnStart();
        services.TryAddSingleton(Create);
        return services;
    }

    private static IEmbedder Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EmbedderOptions>>().Value;
        return options.Kind.ToLowerInvariant() switch
        {
            EmbedderOptions.GloveKind => new GloveSifEmbedder(GloveAssets.Load(options.GloveDirectory), options.SifSmoothingWeight),
            _ => throw new OptionsValidationException(EmbedderOptions.SectionName, typeof(EmbedderOptions),
                [$"Unknown embedder kind '{options.Kind}'."]),
        };
    }
}
