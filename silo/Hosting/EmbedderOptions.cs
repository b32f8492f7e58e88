namespace MemOS.Silo.Hosting;

/// <summary>Which embedder the silo uses for memories and queries, bound from <c>MemOS:Embedder</c>.</summary>
public sealed class EmbedderOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Embedder";

    /// <summary>The built-in default kind.</summary>
    public const string GloveKind = "glove";

    /// <summary>The embedder kind: <c>glove</c> (built-in GloVe 6B 100-d with SIF pooling; needs
    /// <c>./memos install</c>). Default: <c>glove</c>.</summary>
    public string Kind { get; set; } = GloveKind;

    /// <summary>For <c>glove</c>: the package directory; default: found above the application directory.</summary>
    public string? GloveDirectory { get; set; }

    /// <summary>For <c>glove</c>: SIF's smoothing weight a. Default: 1e-3 (Arora et al. 2017).</summary>
    public double SifSmoothingWeight { get; set; } = 1e-3;
}
