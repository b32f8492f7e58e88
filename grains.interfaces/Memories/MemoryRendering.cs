using System.Globalization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>
/// The one way a memory is rendered into an LLM context, and the one way its size is counted. Every budget in
/// the system (the search <c>tokenBudget</c>, the evaluation's recall@N-tokens) is measured on this rendering.
/// </summary>
public static class MemoryRendering
{
    /// <summary>Renders one memory as a context line: <c>[8 May 2023] Caroline: text</c>; the date part is
    /// omitted without a time and the speaker part without a speaker.</summary>
    /// <param name="validTime">When the memory was true in the world (its valid time), or <see langword="null"/>.</param>
    /// <param name="speaker">Who said it, or <see langword="null"/>/empty.</param>
    /// <param name="text">The memory text.</param>
    /// <returns>The rendered line, without a trailing newline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string RenderLine(DateTimeOffset? validTime, string? speaker, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var date = validTime is { } t ? "[" + t.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) + "] " : "";
        var who = string.IsNullOrEmpty(speaker) ? "" : speaker + ": ";
        return date + who + text;
    }

    /// <summary>Joins rendered lines into a context: lines separated by a single <c>\n</c>.</summary>
    /// <param name="lines">The rendered lines, in context order.</param>
    /// <returns>The context text.</returns>
    public static string RenderContext(IEnumerable<string> lines) => string.Join('\n', lines);

    /// <summary>Counts tokens the way every budget here does: <c>ceil(chars / 4)</c> (DESIGN.md section 5).</summary>
    /// <param name="charCount">A number of UTF-16 characters, at least 0.</param>
    /// <returns>The token count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="charCount"/> is negative.</exception>
    public static int CountTokens(int charCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(charCount);
        return (charCount + 3) / 4;
    }

    /// <summary>Counts the tokens of a context of <paramref name="lineCount"/> lines joined by newlines.</summary>
    /// <param name="totalLineChars">The sum of the lines' lengths in characters.</param>
    /// <param name="lineCount">The number of lines.</param>
    /// <returns><c>ceil((totalLineChars + max(lineCount - 1, 0)) / 4)</c>.</returns>
    public static int CountContextTokens(int totalLineChars, int lineCount)
        => CountTokens(totalLineChars + Math.Max(lineCount - 1, 0));

    /// <summary>Renders memories as one context grouped by day, the form the MemScheduler hands to a model:
    /// memories in chronological order (stable for equal times; undated ones first), each day opened by one header
    /// line <c>[8 May 2023]</c>, each memory on its own line as <c>Speaker: text</c>. Saying the date once per day
    /// instead of once per line keeps related memories together and costs fewer tokens.</summary>
    /// <param name="entries">The memories, in the order to keep among equal times.</param>
    /// <returns>The context, lines joined by <c>\n</c>, without a trailing newline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry's text is null.</exception>
    public static string RenderGroupedContext(IEnumerable<ContextEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = new System.Text.StringBuilder();
        string? day = null;
        foreach (var entry in entries.OrderBy(e => e.ValidTime.HasValue).ThenBy(e => e.ValidTime))
        {
            ArgumentNullException.ThrowIfNull(entry.Text);
            if (entry.ValidTime is { } t && DayHeader(t) is var header && header != day)
            {
                AppendLine(builder, header);
                day = header;
            }

            AppendLine(builder, RenderEntry(entry.Speaker, entry.Text));
        }

        return builder.ToString();
    }

    /// <summary>The header line of a day in a grouped context: <c>[8 May 2023]</c>.</summary>
    /// <param name="validTime">A time on that day (the day is taken in the time's own offset).</param>
    /// <returns>The header line.</returns>
    public static string DayHeader(DateTimeOffset validTime)
        => "[" + validTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) + "]";

    /// <summary>One memory's line in a grouped context: <c>Caroline: text</c>, or just the text without a speaker.</summary>
    /// <param name="speaker">Who said it, or <see langword="null"/>/empty.</param>
    /// <param name="text">The memory text.</param>
    /// <returns>The line, without a newline.</returns>
    public static string RenderEntry(string? speaker, string text)
        => string.IsNullOrEmpty(speaker) ? text : speaker + ": " + text;

    private static void AppendLine(System.Text.StringBuilder builder, string line)
    {
        if (builder.Length > 0)
        {
            builder.Append('\n');
        }

        builder.Append(line);
    }
}
