using MemOS.Inference.Llama;

namespace MemOS.Inference.Tests.Llama;

/// <summary>Finding and loading the native libraries.</summary>
public sealed class LlamaLibraryTests
{
    [Fact]
    public void Initialize_FromADirectoryWithoutTheLibraries_ThrowsNamingItAndTheInstallCommand()
    {
        using var empty = new TempDirectory();
        var exception = Assert.Throws<LlamaException>(() => LlamaLibrary.Initialize(empty.Path));
        Assert.Contains(empty.Path, exception.Message, StringComparison.Ordinal);
        Assert.Contains(LlamaLibrary.LlamaFileName, exception.Message, StringComparison.Ordinal);
        Assert.Contains("./memos install", exception.Message, StringComparison.Ordinal);
        Assert.False(exception.IsTransient);
    }

    [Fact]
    public void FindLibraryDirectory_SearchesAboveEachStart_AndTheVariableWins()
    {
        using var root = new TempDirectory();
        var libraries = Path.Combine(root.Path, LlamaLibrary.PackageRelativePath);
        Directory.CreateDirectory(libraries);
        var deep = Directory.CreateDirectory(Path.Combine(root.Path, "a", "b", "c")).FullName;
        using var elsewhere = new TempDirectory();

        Assert.Null(LlamaLibrary.FindLibraryDirectory(null, [deep, elsewhere.Path])); // the directory alone is not enough
        File.WriteAllBytes(Path.Combine(libraries, LlamaLibrary.LlamaFileName), []);
        Assert.Equal(libraries, LlamaLibrary.FindLibraryDirectory(null, [elsewhere.Path, deep]));
        Assert.Equal(libraries, LlamaLibrary.FindLibraryDirectory("", [deep]));
        Assert.Equal("/configured", LlamaLibrary.FindLibraryDirectory("/configured", [deep]));
    }

    [Fact]
    public void Initialize_WithTheInstalledLibraries_LoadsThemOnce()
    {
        LlamaTestAssets.RequireLibraries();
        var directory = Path.GetFullPath(LlamaLibrary.FindLibraryDirectory()!);
        LlamaLibrary.Initialize(directory);
        LlamaLibrary.Initialize();
        Assert.Equal(directory, LlamaLibrary.LoadedDirectory);
    }
}
