using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>Finds the llama.cpp libraries (<c>./memos install</c>) and the stories260K test model (a shared asset,
/// never copied into the repository); tests skip, saying why, when either is absent.</summary>
internal static class LlamaTestAssets
{
    /// <summary>Overrides the search for the shared directory (the one holding <c>models/</c>).</summary>
    public const string SharedDirectoryVariable = "MEMOS_SHARED_DIR";

    private const string ModelRelativePath = "models/stories260K/stories260K.gguf";

    private static readonly Lazy<LlamaModel> SharedModel = new(() => LlamaModel.Load(StoriesModelPath()!));

    /// <summary>The stories260K GGUF: under <see cref="SharedDirectoryVariable"/>, else <c>shared/</c> in an ancestor
    /// of the test binaries (which covers a <c>shared/</c> beside the repository root).</summary>
    /// <returns>The path, or <see langword="null"/>.</returns>
    public static string? StoriesModelPath()
    {
        if (Environment.GetEnvironmentVariable(SharedDirectoryVariable) is { Length: > 0 } shared)
        {
            var configured = Path.Combine(shared, ModelRelativePath);
            return File.Exists(configured) ? configured : null;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", ModelRelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Skips the test when the native libraries are not installed.</summary>
    public static void RequireLibraries() => Assert.SkipWhen(
        LlamaLibrary.FindLibraryDirectory() is not { } directory || !File.Exists(Path.Combine(directory, LlamaLibrary.LlamaFileName)),
        $"llama.cpp native libraries not installed ({LlamaLibrary.PackageRelativePath}): run `./memos install`.");

    /// <summary>The stories260K path, skipping the test when it or the native libraries are absent.</summary>
    /// <returns>The path.</returns>
    public static string RequireStoriesModel()
    {
        RequireLibraries();
        var path = StoriesModelPath();
        Assert.SkipWhen(path is null,
            $"Test model shared/{ModelRelativePath} not found above {AppContext.BaseDirectory} (or set {SharedDirectoryVariable}).");
        return path!;
    }

    /// <summary>One stories260K model for the whole test run (never disposed; the process frees it).</summary>
    /// <returns>The model.</returns>
    public static LlamaModel Stories()
    {
        RequireStoriesModel();
        return SharedModel.Value;
    }
}
