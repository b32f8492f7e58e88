namespace MemOS.Inference.Embeddings.Glove;

/// <summary>Splits text into the word tokens GloVe's vocabulary uses: runs of letters and digits; English clitics
/// become words (n't -> not, 'm -> am, 're -> are, 've -> have, 'll -> will, 'd -> would; possessive 's is dropped).</summary>
public static class WordTokenizer
{
    /// <summary>Enumerates the words of a text, in order (original case).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The words, as slices of <paramref name="text"/> or as clitic expansions.</returns>
    public static IEnumerable<ReadOnlyMemory<char>> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            var end = i;
            string? clitic = null;
            if (i + 1 < text.Length && text[i] is '\'' or '\u2019' && char.IsLetter(text[i + 1]))
            {
                var suffixStart = i + 1;
                var j = suffixStart;
                while (j < text.Length && char.IsLetter(text[j]))
                {
                    j++;
                }

                var suffix = text.AsSpan(suffixStart, j - suffixStart);
                if (suffix.Equals("t", StringComparison.OrdinalIgnoreCase) && end - start > 1
                    && text[end - 1] is 'n' or 'N')
                {
                    end--;
                    clitic = "not";
                    i = j;
                }
                else if (CliticExpansion(suffix) is { } expansion)
                {
                    clitic = expansion.Length == 0 ? null : expansion;
                    i = j;
                }
            }

            yield return text.AsMemory(start, end - start);
            if (clitic is not null)
            {
                yield return clitic.AsMemory();
            }
        }
    }

    private static string? CliticExpansion(ReadOnlySpan<char> suffix) => suffix.ToString().ToLowerInvariant() switch
    {
        "s" => "",
        "m" => "am",
        "re" => "are",
        "ve" => "have",
        "ll" => "will",
        "d" => "would",
        _ => null,
    };
}
