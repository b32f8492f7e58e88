namespace MemOS.Runtime.Storage;

/// <summary>Key-prefix arithmetic shared by the SQL providers, which turn a prefix scan into an index range
/// <c>key &gt;= prefix AND key &lt; upper bound</c> (no <c>LIKE</c>, so no escaping of <c>%</c> or <c>_</c>).</summary>
internal static class GrainKeyPrefix
{
    /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/> in code point
    /// order, or <see langword="null"/> when there is none that is cheap to express.</summary>
    /// <remarks>Code point order is SQLite's BINARY collation and PostgreSQL's <c>"C"</c> collation over UTF-8 (both
    /// compare bytes, and UTF-8 byte order is code point order).</remarks>
    public static string? UpperBound(string prefix)
    {
        if (prefix.Length == 0)
        {
            return null;
        }

        var last = prefix[^1];
        if (char.IsSurrogate(last) || last == char.MaxValue)
        {
            return null;
        }

        // U+D800..U+DFFF are not code points on their own; the next scalar after U+D7FF is U+E000.
        var next = last == '\uD7FF' ? '\uE000' : (char)(last + 1);
        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), new ReadOnlySpan<char>(in next));
    }
}
