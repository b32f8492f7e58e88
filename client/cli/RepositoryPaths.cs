namespace MemOS.Cli;

/// <summary>Finds the repository root and the shared data beside it (<c>../shared</c>), which is never committed.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the current directory or the tool's own folder that holds
    /// <c>MemOS.Orleans.sln</c>; null when run outside a checkout.</summary>
    public static string? FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MemOS.Orleans.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>The LoCoMo development split at <c>../shared/data/locomo/locomo10-dev.json</c>, or null when absent.</summary>
    public static string? FindLoCoMo()
    {
        var root = FindRoot();
        if (root is null)
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "locomo", "locomo10-dev.json"));
        return File.Exists(path) ? path : null;
    }
}
