using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>Finds the llama.cpp libraries (<c>./memos install</c>) and the stories260K test model (a shared asset,
/// never copied into the repository); tests skip, saying why, when either is absent.</summary>
internal static class LlamaTestAssets
{
    private static readonly Lazy<LlamaModel> SharedModel = new(() => LlamaModel.Load(StoriesModelPath()!));

    /// <summary>The stories260K GGUF (see <see cref="SharedAssets.Find"/>).</summary>
    /// <returns>The path, or <see langword="null"/>.</returns>
    public static string? StoriesModelPath() => SharedAssets.Find(SharedAssets.StoriesModelRelativePath);

    /// <summary>Skips the test when the native libraries are not installed.</summary>
    public static void RequireLibraries() => Assert.SkipWhen(
        LlamaLibrary.FindLibraryDirectory() is not { } directory || !File.Exists(Path.Combine(directory, LlamaLibrary.LlamaFileName)),
        $"llama.cpp native libraries not installed ({LlamaLibrary.PackageRelativePath}): run `./memos install`.");

    /// <summary>The stories260K path, skipping the test when it or the native libraries are absent.</summary>
    /// <returns>The path.</returns>
    public static string RequireStoriesModel()
    {
        RequireLibraries();
        return SharedAssets.RequireStoriesModel();
    }

    /// <summary>One stories260K model for the whole test run (never disposed; the process frees it).</summary>
    /// <returns>The model.</returns>
    public static LlamaModel Stories()
    {
        RequireStoriesModel();
        return SharedModel.Value;
    }
}
