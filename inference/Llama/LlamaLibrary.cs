using System.Reflection;
using System.Runtime.InteropServices;
using MemOS.Inference.Llama.Native;
using Microsoft.Extensions.Logging;

namespace MemOS.Inference.Llama;

/// <summary>Finds and loads the llama.cpp native libraries that <c>./memos install</c> fetches (npm
/// <c>@node-llama-cpp/linux-x64@3.22.1</c>), once per process.</summary>
/// <remarks>
/// <see cref="Initialize"/> loads <see cref="GgmlBaseFileName"/>, <see cref="GgmlFileName"/> and
/// <see cref="LlamaFileName"/> by full path, maps the P/Invoke library names of this assembly to them with
/// <see cref="NativeLibrary.SetDllImportResolver"/>, routes llama.cpp's log to the logger, then calls
/// <c>ggml_backend_load_all_from_path</c> (which picks the best <c>libggml-cpu-*.so</c> variant for this CPU) and
/// <c>llama_backend_init</c>. <see cref="LlamaModel.Load"/> and <see cref="LlamaBatch"/> call it, so callers need
/// not; calling it first gives the error (libraries missing) early and sets the logger. A process loads llama.cpp
/// from one directory only.
/// </remarks>
public static class LlamaLibrary
{
    /// <summary>The environment variable naming the directory that holds the libraries (overrides the search).</summary>
    public const string DirectoryVariable = "MEMOS_LLAMA_DIR";

    /// <summary>The library directory below a repository root.</summary>
    public const string PackageRelativePath = ".tools/npm/@node-llama-cpp/linux-x64@3.22.1/bins/linux-x64";

    /// <summary>The llama library file.</summary>
    public const string LlamaFileName = "libllama.v0.5.0.so";

    /// <summary>The ggml library file (backend registry).</summary>
    public const string GgmlFileName = "libggml.v0.5.0.so";

    /// <summary>The ggml core library file.</summary>
    public const string GgmlBaseFileName = "libggml-base.so";

    private static readonly string[] RequiredFiles = [GgmlBaseFileName, GgmlFileName, LlamaFileName];
    private static readonly Lock InitializeLock = new();
    private static string? _directory;
    private static nint _llama;
    private static nint _ggml;
    private static bool _resolverInstalled;

    /// <summary>The directory llama.cpp was loaded from, or <see langword="null"/> before <see cref="Initialize"/>
    /// succeeded.</summary>
    public static string? LoadedDirectory => Volatile.Read(ref _directory);

    /// <summary>Finds the library directory: <see cref="DirectoryVariable"/> when set, else the first
    /// <see cref="PackageRelativePath"/> holding <see cref="LlamaFileName"/> above the application's base directory or
    /// the current directory.</summary>
    /// <returns>The directory, or <see langword="null"/> when there is none.</returns>
    public static string? FindLibraryDirectory() => FindLibraryDirectory(
        Environment.GetEnvironmentVariable(DirectoryVariable), [AppContext.BaseDirectory, Environment.CurrentDirectory]);

    /// <summary>The search of <see cref="FindLibraryDirectory()"/>, with its inputs given.</summary>
    /// <param name="configured">The value of <see cref="DirectoryVariable"/>, if any.</param>
    /// <param name="searchStarts">Directories whose ancestors (themselves included) are searched, in order.</param>
    /// <returns>The directory, or <see langword="null"/> when there is none.</returns>
    internal static string? FindLibraryDirectory(string? configured, IEnumerable<string> searchStarts)
    {
        if (configured is { Length: > 0 })
        {
            return configured;
        }

        foreach (var start in searchStarts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, PackageRelativePath);
                if (File.Exists(Path.Combine(candidate, LlamaFileName)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Loads llama.cpp, once per process; later calls return at once.</summary>
    /// <param name="libraryDirectory">The directory holding the libraries, or <see langword="null"/> to use the one
    /// already loaded or else <see cref="FindLibraryDirectory()"/>.</param>
    /// <param name="logger">Where llama.cpp's log goes from now on (process-wide; it replaces an earlier one): its
    /// errors and warnings at <see cref="LogLevel.Error"/> and <see cref="LogLevel.Warning"/>, its (copious) info at
    /// <see cref="LogLevel.Debug"/>, its debug output at <see cref="LogLevel.Trace"/>. <see langword="null"/> keeps
    /// the current logger; until one is given the log is dropped (llama.cpp would otherwise print it to stderr).</param>
    /// <exception cref="LlamaException">The libraries were not found or could not be loaded (the message says to run
    /// <c>./memos install</c>), or no ggml CPU backend suits this machine.</exception>
    /// <exception cref="InvalidOperationException">llama.cpp is already loaded from another directory.</exception>
    public static void Initialize(string? libraryDirectory = null, ILogger? logger = null)
    {
        if (logger is not null)
        {
            LlamaLog.Logger = logger;
        }

        if (libraryDirectory is null && LoadedDirectory is not null)
        {
            return;
        }

        var directory = Path.GetFullPath(libraryDirectory ?? FindLibraryDirectory() ?? throw new LlamaException(
            $"The llama.cpp native libraries (npm @node-llama-cpp/linux-x64@3.22.1) were not found: looked for " +
            $"{PackageRelativePath} above {AppContext.BaseDirectory} and {Environment.CurrentDirectory}, and " +
            $"{DirectoryVariable} is not set. Run `./memos install` to fetch them."));
        var missing = RequiredFiles.Where(name => !File.Exists(Path.Combine(directory, name))).ToArray();
        if (missing.Length > 0)
        {
            throw new LlamaException(
                $"The llama.cpp native libraries were not found in {directory} (missing {string.Join(", ", missing)}). " +
                $"Run `./memos install` to fetch them, or set {DirectoryVariable} to a directory that holds them.");
        }

        lock (InitializeLock)
        {
            if (_directory is not null)
            {
                if (_directory != directory)
                {
                    throw new InvalidOperationException(
                        $"llama.cpp is already loaded from {_directory}; a process loads it from one directory only.");
                }

                return;
            }

            Load(directory);
            Volatile.Write(ref _directory, directory);
        }
    }

    private static unsafe void Load(string directory)
    {
        try
        {
            NativeLibrary.Load(Path.Combine(directory, GgmlBaseFileName));
            _ggml = NativeLibrary.Load(Path.Combine(directory, GgmlFileName));
            _llama = NativeLibrary.Load(Path.Combine(directory, LlamaFileName));
        }
        catch (Exception exception) when (exception is DllNotFoundException or BadImageFormatException)
        {
            throw new LlamaException(
                $"The llama.cpp native libraries in {directory} could not be loaded ({exception.Message}). " +
                "Run `./memos install` to fetch them again.", false, exception);
        }

        if (!_resolverInstalled)
        {
            NativeLibrary.SetDllImportResolver(typeof(LlamaLibrary).Assembly, Resolve);
            _resolverInstalled = true;
        }

        LlamaNative.llama_log_set(&LlamaLog.OnNativeLog, null);
        LlamaNative.ggml_backend_load_all_from_path(directory);
        LlamaNative.llama_backend_init();
        if (LlamaNative.ggml_backend_dev_count() == 0)
        {
            throw new LlamaException(
                $"No ggml backend could be loaded from {directory}: its libggml-cpu-*.so files are missing or none " +
                "suits this CPU. Run `./memos install` to fetch them again.");
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        LlamaNative.Llama => _llama,
        LlamaNative.Ggml => _ggml,
        _ => nint.Zero,
    };
}
