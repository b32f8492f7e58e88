namespace MemOS.Testing;

/// <summary>Where the repository and the test artifacts are, found from the test binaries.</summary>
public static class RepositoryLayout
{
    /// <summary>Overrides where tests write artifacts (screenshots, logs); default <c>.artifacts</c> under the repository root.</summary>
    public const string ArtifactsVariable = "MEMOS_ARTIFACTS";

    /// <summary>The repository root: the nearest folder above <see cref="AppContext.BaseDirectory"/> holding
    /// <c>MemOS.Orleans.sln</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">The tests run outside a checkout.</exception>
    public static string Root { get; } = FindRoot();

    /// <summary>The artifacts folder: <see cref="ArtifactsVariable"/> when set, else <c>.artifacts</c> under <see cref="Root"/>.
    /// Not created here.</summary>
    public static string ArtifactsDirectory => Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(Root, ".artifacts");

    /// <summary>A path under the repository root.</summary>
    public static string InRepository(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MemOS.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds MemOS.Orleans.sln.");
    }
}
