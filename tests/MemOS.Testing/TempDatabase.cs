namespace MemOS.Testing;

/// <summary>A SQLite database file of its own for one test, deleted afterwards (best effort).</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("memos-tests-").FullName;
        FilePath = Path.Combine(Directory, "grains.db");
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString => $"Data Source={FilePath}";

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection of a test that failed midway may still hold the file; the OS temp dir is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
