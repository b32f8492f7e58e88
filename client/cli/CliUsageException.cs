namespace MemOS.Cli;

/// <summary>A command was given arguments it cannot work with (a missing file, a bad combination).</summary>
/// <param name="message">What to fix, for a person to read.</param>
internal sealed class CliUsageException(string message) : Exception(message);
