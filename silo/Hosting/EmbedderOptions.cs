namespace MemOS.Silo.Hosting;

/// <summary>Which embedder the silo uses for memories and queries, bound from <c>MemOS:Embedder</c>. One embedder per
/// silo: it embeds every memory and query, and its model id is recorded on each cube.</summary>
public sealed class EmbedderOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Embedder";

    /// <summary>The built-in default kind: GloVe 6B 100-d with SIF pooling.</summary>
    public const string GloveKind = "glove";

    /// <summary>Any OpenAI-compatible <c>POST /v1/embeddings</c> endpoint.</summary>
    public const string OpenAiKind = "openai";

    /// <summary>A GGUF embedding model run in-process by llama.cpp.</summary>
    public const string GgufKind = "gguf";

    /// <summary>The embedder kind: <see cref="GloveKind"/> (needs <c>./memos install</c>), <see cref="OpenAiKind"/>
    /// (needs <see cref="Endpoint"/> and <see cref="Model"/>) or <see cref="GgufKind"/> (needs <see cref="ModelPath"/>).
    /// Default: <c>glove</c>.</summary>
    public string Kind { get; set; } = GloveKind;

    /// <summary>For <c>glove</c>: the package directory; default: found above the application directory.</summary>
    public string? GloveDirectory { get; set; }

    /// <summary>For <c>glove</c>: SIF's smoothing weight a. Default: 1e-3 (Arora et al. 2017).</summary>
    public double SifSmoothingWeight { get; set; } = 1e-3;

    /// <summary>For <c>openai</c>: the API base address up to the version segment, e.g. <c>http://127.0.0.1:11434/v1/</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>For <c>openai</c>: the model name (also the model id recorded on cubes).</summary>
    public string? Model { get; set; }

    /// <summary>For <c>openai</c>: the bearer key, if the endpoint needs one (set it from the environment:
    /// <c>MemOS__Embedder__ApiKey</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>For <c>openai</c>: the vector dimension; null asks the endpoint once at start.</summary>
    public int? Dimension { get; set; }

    /// <summary>For <c>gguf</c>: the model file.</summary>
    public string? ModelPath { get; set; }

    /// <summary>For <c>gguf</c>: the pooling, <c>model</c> (the model's own, else mean), <c>mean</c>, <c>cls</c> or
    /// <c>last</c>. Default: <c>model</c>.</summary>
    public string Pooling { get; set; } = "model";

    /// <summary>For <c>gguf</c>: the context size in tokens; longer texts are truncated. Default: 512.</summary>
    public int ContextTokens { get; set; } = 512;

    /// <summary>For <c>gguf</c>: CPU threads, 0 for llama.cpp's default. Default: 0.</summary>
    public int Threads { get; set; }

    /// <summary>Turns a command-line embedder spec into <c>MemOS:Embedder</c> settings:
    /// <c>glove</c>; <c>openai:&lt;endpoint&gt;#&lt;model&gt;</c> (e.g. <c>openai:http://127.0.0.1:11434/v1/#nomic-embed-text</c>);
    /// <c>gguf:&lt;model path&gt;[#&lt;pooling&gt;]</c>.</summary>
    /// <param name="spec">The spec.</param>
    /// <returns>Configuration keys and values.</returns>
    /// <exception cref="ArgumentException">The spec is not one of those forms.</exception>
    public static IReadOnlyDictionary<string, string?> ParseSpec(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? spec : spec[..colon]).Trim().ToLowerInvariant();
        var rest = colon < 0 ? "" : spec[(colon + 1)..];
        var hash = rest.LastIndexOf('#');
        var (target, option) = hash < 0 ? (rest, null) : (rest[..hash], rest[(hash + 1)..]);
        var settings = new Dictionary<string, string?> { [Key(nameof(Kind))] = kind };
        switch (kind)
        {
            case GloveKind when rest.Length == 0:
                break;
            case OpenAiKind when Uri.TryCreate(target, UriKind.Absolute, out _) && !string.IsNullOrWhiteSpace(option):
                settings[Key(nameof(Endpoint))] = target;
                settings[Key(nameof(Model))] = option;
                break;
            case GgufKind when target.Length > 0:
                settings[Key(nameof(ModelPath))] = target;
                if (option is not null)
                {
                    settings[Key(nameof(Pooling))] = option;
                }

                break;
            default:
                throw new ArgumentException(
                    $"'{spec}' is not an embedder: use glove, openai:<endpoint>#<model> or gguf:<model.gguf>[#mean|cls|last].");
        }

        return settings;
    }

    private static string Key(string property) => $"{SectionName}:{property}";
}
