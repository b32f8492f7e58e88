using System.Text;

namespace MemOS.Evaluation.Tests;

/// <summary>A file under the temp directory, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string contents)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"memos-eval-{Guid.NewGuid():N}.json");
        File.WriteAllText(Path, contents, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
