using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemOS.Inference.Llama;

/// <summary>Receives llama.cpp's and ggml's log (<c>llama_log_set</c>), joins its fragments into lines, forwards
/// them to <see cref="Logger"/> and remembers each thread's error lines for exception messages.</summary>
internal static unsafe partial class LlamaLog
{
    // enum ggml_log_level
    private const int LevelDebug = 1;
    private const int LevelInfo = 2;
    private const int LevelWarn = 3;
    private const int LevelError = 4;
    private const int LevelContinue = 5;

    // The first lines name the cause; later ones repeat it up the call chain.
    private const int MaxErrorLines = 4;

    private static ILogger _logger = NullLogger.Instance;

    // llama.cpp logs on the thread that calls it (model loading, decoding), so per-thread state pairs an error line
    // with the call that caused it.
    [ThreadStatic]
    private static StringBuilder? _pending;

    [ThreadStatic]
    private static int _pendingLevel;

    [ThreadStatic]
    private static List<string>? _errors;

    /// <summary>The logger (process-wide); <see cref="NullLogger.Instance"/> until one is set.</summary>
    public static ILogger Logger
    {
        get => Volatile.Read(ref _logger);
        set => Volatile.Write(ref _logger, value ?? NullLogger.Instance);
    }

    /// <summary>Forgets this thread's error lines (call before the native call whose failure is to be explained).</summary>
    public static void ClearLastError() => _errors?.Clear();

    /// <summary>The error lines llama.cpp logged on this thread since <see cref="ClearLastError"/> (the first few), as
    /// a sentence suffix (<c>": line; line"</c>), or an empty string; then forgets them.</summary>
    /// <returns>The suffix.</returns>
    public static string LastErrorSuffix()
    {
        FlushPending();
        if (_errors is not { Count: > 0 } errors)
        {
            return string.Empty;
        }

        var suffix = $": {string.Join("; ", errors)}";
        errors.Clear();
        return suffix;
    }

    /// <summary>The callback given to <c>llama_log_set</c>.</summary>
    /// <param name="level">A <c>ggml_log_level</c>; <c>CONT</c> continues the previous fragment.</param>
    /// <param name="text">The UTF-8 fragment (lines end with a newline).</param>
    /// <param name="userData">Unused.</param>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void OnNativeLog(int level, byte* text, void* userData)
    {
        // An exception must never unwind into native code (it would terminate the process), so logging failures are
        // dropped here.
        try
        {
            var fragment = Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
            var pending = _pending ??= new StringBuilder();
            if (level != LevelContinue)
            {
                FlushPending();
                _pendingLevel = level;
            }

            pending.Append(fragment);
            if (fragment.EndsWith('\n'))
            {
                FlushPending();
            }
        }
        catch (Exception)
        {
            _pending?.Clear();
        }
    }

    private static void FlushPending()
    {
        var pending = _pending;
        if (pending is null || pending.Length == 0)
        {
            return;
        }

        var message = pending.ToString().Trim();
        pending.Clear();
        if (message.Length == 0)
        {
            return;
        }

        if (_pendingLevel == LevelError)
        {
            var errors = _errors ??= [];
            if (errors.Count < MaxErrorLines)
            {
                errors.Add(message);
            }
        }

        var level = _pendingLevel switch
        {
            LevelError => LogLevel.Error,
            LevelWarn => LogLevel.Warning,
            LevelInfo => LogLevel.Debug,
            LevelDebug => LogLevel.Trace,
            _ => LogLevel.Debug,
        };
        var logger = Logger;
        if (logger.IsEnabled(level))
        {
            LogNative(logger, level, message);
        }
    }

    [LoggerMessage(EventId = 5000, Message = "llama.cpp: {NativeMessage}")]
    private static partial void LogNative(ILogger logger, LogLevel level, string nativeMessage);
}
