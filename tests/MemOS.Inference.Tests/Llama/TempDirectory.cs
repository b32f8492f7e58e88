namespace MemOS.Inference.Tests.Llama;

/// <summary>A fresh directory under the temp directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    /// <summary>Creates it.</summary>
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("memos-llama-").FullName;

    /// <summary>Its full path.</summary>
    public string Path { get; }

    /// <summary>Deletes it and everything in it.</summary>
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
