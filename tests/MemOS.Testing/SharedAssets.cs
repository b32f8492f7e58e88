namespace MemOS.Testing;

/// <summary>Finds the data and models of <c>../shared</c> (read there, never copied into the repository); tests that
/// need them skip, saying why, when they are absent.</summary>
public static class SharedAssets
{
    /// <summary>Overrides the search for the shared directory (the one holding <c>models/</c> and <c>data/</c>).</summary>
    public const string SharedDirectoryVariable = "MEMOS_SHARED_DIR";

    /// <summary>The stories260K test model, relative to the shared directory.</summary>
    public const string StoriesModelRelativePath = "models/stories260K/stories260K.gguf";

    /// <summary>A file under the shared directory: under <see cref="SharedDirectoryVariable"/>, else under
    /// <c>shared/</c> in an ancestor of the test binaries (which covers a <c>shared/</c> beside the repository root).</summary>
    /// <param name="relativePath">The path inside the shared directory.</param>
    /// <returns>The full path, or <see langword="null"/> when absent.</returns>
    public static string? Find(string relativePath)
    {
        if (Environment.GetEnvironmentVariable(SharedDirectoryVariable) is { Length: > 0 } shared)
        {
            var configured = Path.Combine(shared, relativePath);
            return File.Exists(configured) ? configured : null;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The stories260K GGUF path, skipping the test when it is absent.</summary>
    /// <returns>The path.</returns>
    public static string RequireStoriesModel()
    {
        var path = Find(StoriesModelRelativePath);
        Assert.SkipWhen(path is null,
            $"Test model shared/{StoriesModelRelativePath} not found above {AppContext.BaseDirectory} (or set {SharedDirectoryVariable}).");
        return path!;
    }
}
