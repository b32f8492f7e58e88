using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Retrieval;

/// <summary>
/// Fills a token budget with ranked items, the way every budgeted context here is built (the search
/// <c>tokenBudget</c>, the evaluation's recall@N-tokens).
/// </summary>
public static class TokenBudgetPacker
{
    /// <summary>
    /// Takes items in rank order and keeps each one whose rendered line still fits the budget; an item that does
    /// not fit is skipped and packing goes on with the next (a shorter one may still fit). Lines are never cut.
    /// </summary>
    /// <remarks>
    /// The context is the kept lines joined by <c>\n</c>, its size
    /// <see cref="MemoryRendering.CountContextTokens(int, int)"/> = <c>ceil(chars / 4)</c> (DESIGN.md section 5).
    /// Enumeration stops early once not even an empty line could be added, so a lazily ranked sequence is not
    /// rendered past the point where the budget is exhausted.
    /// </remarks>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="ranked">The items, best first.</param>
    /// <param name="renderLine">Renders one item as its context line (usually
    /// <see cref="MemoryRendering.RenderLine(DateTimeOffset?, string?, string)"/>); called once per item considered.</param>
    /// <param name="tokenBudget">The budget in tokens, at least 0.</param>
    /// <returns>The kept items, in rank order; empty for a budget of 0 unless the first line is empty.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ranked"/> or <paramref name="renderLine"/> is null,
    /// or <paramref name="renderLine"/> returns null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenBudget"/> is negative.</exception>
    public static IReadOnlyList<T> Pack<T>(IEnumerable<T> ranked, Func<T, string> renderLine, int tokenBudget)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(renderLine);
        ArgumentOutOfRangeException.ThrowIfNegative(tokenBudget);

        var kept = new List<T>();
        long lineChars = 0;
        foreach (var item in ranked)
        {
            if (kept.Count > 0 && Tokens(lineChars, kept.Count + 1) > tokenBudget)
            {
                break;
            }

            var line = renderLine(item) ?? throw new ArgumentNullException(nameof(renderLine), "renderLine returned null.");
            if (Tokens(lineChars + line.Length, kept.Count + 1) <= tokenBudget)
            {
                kept.Add(item);
                lineChars += line.Length;
            }
        }

        return kept;
    }

    private static long Tokens(long lineChars, int lineCount)
    {
        // MemoryRendering counts in int; a context past int.MaxValue characters is treated as over any budget.
        var contextChars = lineChars + Math.Max(lineCount - 1, 0);
        return contextChars > int.MaxValue ? long.MaxValue : MemoryRendering.CountContextTokens((int)lineChars, lineCount);
    }
}
