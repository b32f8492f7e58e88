namespace MemOS.Grains.Reader;

/// <summary>Splits a message into segments of whole sentences for memories finer than a turn.</summary>
/// <remarks>
/// A sentence ends at <c>.</c>, <c>!</c>, <c>?</c> or <c>…</c> (with any closing quotes or brackets) followed by
/// white space, except after common abbreviations (Mr., Dr., e.g., ...) and single initials; a bracketed part such as
/// <c>[image: ...]</c> is its own sentence. Sentences are then grouped greedily: a sentence joins the current segment
/// while the segment is shorter than <c>minChars</c> or the two together stay within <c>maxChars</c>, so greetings
/// and one-word replies ride along with their neighbour instead of becoming memories of their own. No text is lost:
/// the segments, joined by single spaces, are the message with its white space runs collapsed.
/// </remarks>
public static class SentenceSegmenter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx", "no", "inc", "ltd", "mt",
    };

    /// <summary>Splits a text into sentences.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The sentences, trimmed, in order; empty for blank text.</returns>
    public static IReadOnlyList<string> Sentences(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '[' && i > start && !string.IsNullOrWhiteSpace(text[start..i]))
            {
                Add(sentences, text[start..i]);
                start = i;
            }

            if (c is '.' or '!' or '?' or '\u2026' or ']')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is '.' or '!' or '?' or '"' or '\'' or ')' or '\u201D' or '\u2019')
                {
                    end++;
                }

                if ((end == text.Length || char.IsWhiteSpace(text[end])) && !IsAbbreviation(text, start, i))
                {
                    Add(sentences, text[start..end]);
                    start = end;
                    i = end;
                    continue;
                }
            }

            i++;
        }

        if (start < text.Length)
        {
            Add(sentences, text[start..]);
        }

        return sentences;
    }

    /// <summary>Splits a text into segments of whole sentences.</summary>
    /// <param name="text">The text.</param>
    /// <param name="minChars">A segment shorter than this takes the next sentence too.</param>
    /// <param name="maxChars">Sentences also join while the segment stays within this (0: only short ones join; a
    /// longer single sentence stays whole).</param>
    /// <returns>The segments, in order; empty for blank text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative.</exception>
    public static IReadOnlyList<string> Segments(string text, int minChars, int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minChars);
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        var segments = new List<string>();
        var current = "";
        foreach (var sentence in Sentences(text))
        {
            if (current.Length == 0)
            {
                current = sentence;
            }
            else if (current.Length < minChars || current.Length + 1 + sentence.Length <= maxChars)
            {
                current += " " + sentence;
            }
            else
            {
                segments.Add(current);
                current = sentence;
            }
        }

        if (current.Length > 0)
        {
            // A short tail joins the segment before it.
            if (current.Length < minChars && segments.Count > 0)
            {
                segments[^1] += " " + current;
            }
            else
            {
                segments.Add(current);
            }
        }

        return segments;
    }

    private static void Add(List<string> sentences, string sentence)
    {
        var collapsed = string.Join(' ', sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (collapsed.Length > 0)
        {
            sentences.Add(collapsed);
        }
    }

    private static bool IsAbbreviation(string text, int start, int period)
    {
        if (text[period] != '.')
        {
            return false;
        }

        var wordStart = period;
        while (wordStart > start && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.'))
        {
            wordStart--;
        }

        var word = text[wordStart..period];
        return (word.Length == 1 && char.IsUpper(word[0])) || Abbreviations.Contains(word);
    }
}
