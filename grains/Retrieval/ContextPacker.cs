using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Retrieval;

/// <summary>Fills a token budget with whole memories, best first, measuring the context exactly as
/// <see cref="MemoryRendering.RenderGroupedContext"/> will render it.</summary>
/// <remarks>
/// The grouped context of a set S of memories has
/// chars(S) = sum over days d of S (|header(d)| + 1) + sum over m in S (|line(m)| + 1) - 1 characters whatever their
/// order, so the packer tracks the days already opened and adds a memory when
/// ceil(chars(S + m) / 4) &lt;= budget. A memory that does not fit is skipped, and smaller ones further down the
/// ranking may still fill the rest (greedy knapsack by rank); no memory is ever cut.
/// </remarks>
public sealed class ContextPacker
{
    private readonly HashSet<string> _days = new(StringComparer.Ordinal);
    private long _chars = -1;

    /// <summary>Creates an empty packer.</summary>
    /// <param name="tokenBudget">The budget in tokens (ceil(chars / 4)), at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenBudget"/> is negative.</exception>
    public ContextPacker(int tokenBudget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenBudget);
        TokenBudget = tokenBudget;
    }

    /// <summary>The budget in tokens.</summary>
    public int TokenBudget { get; }

    /// <summary>The tokens the context of the accepted memories takes.</summary>
    public int UsedTokens => _chars <= 0 ? 0 : MemoryRendering.CountTokens((int)_chars);

    /// <summary>The number of accepted memories.</summary>
    public int Count { get; private set; }

    /// <summary>Whether not even the smallest possible memory (one character, on an already opened day) fits.</summary>
    public bool IsFull => Tokens(Math.Max(_chars, 0) + 2) > TokenBudget;

    /// <summary>The tokens the context would take with one more memory.</summary>
    /// <param name="entry">The memory.</param>
    /// <returns>The token count after adding it.</returns>
    public int TokensWith(ContextEntry entry) => (int)Math.Min(int.MaxValue, Tokens(_chars + Cost(entry)));

    /// <summary>Adds a memory if it fits.</summary>
    /// <param name="entry">The memory.</param>
    /// <returns><see langword="true"/> when accepted.</returns>
    public bool TryAdd(ContextEntry entry)
    {
        var cost = Cost(entry);
        if (Tokens(_chars + cost) > TokenBudget)
        {
            return false;
        }

        if (entry.ValidTime is { } t)
        {
            _days.Add(MemoryRendering.DayHeader(t));
        }

        _chars += cost;
        Count++;
        return true;
    }

    /// <summary>Packs a ranking: the memories that fit, in rank order.</summary>
    /// <typeparam name="T">The ranked item.</typeparam>
    /// <param name="ranked">Items, best first.</param>
    /// <param name="entry">The context entry of an item.</param>
    /// <param name="tokenBudget">The budget in tokens.</param>
    /// <returns>The accepted items, in rank order.</returns>
    public static IReadOnlyList<T> Pack<T>(IEnumerable<T> ranked, Func<T, ContextEntry> entry, int tokenBudget)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(entry);
        var packer = new ContextPacker(tokenBudget);
        var kept = new List<T>();
        foreach (var item in ranked)
        {
            if (packer.IsFull)
            {
                break;
            }

            if (packer.TryAdd(entry(item)))
            {
                kept.Add(item);
            }
        }

        return kept;
    }

    private long Cost(ContextEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry.Text);
        long cost = MemoryRendering.RenderEntry(entry.Speaker, entry.Text).Length + 1;
        if (entry.ValidTime is { } t && MemoryRendering.DayHeader(t) is var header && !_days.Contains(header))
        {
            cost += header.Length + 1;
        }

        return cost;
    }

    private static long Tokens(long chars) => chars <= 0 ? 0 : (chars + 3) / 4;
}
