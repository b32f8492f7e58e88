using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace MemOS.Grains.Retrieval;

/// <summary>
/// Turns text into index terms for <see cref="Bm25Index"/>. Two configurations exist: <see cref="Plain"/> and
/// <see cref="English"/>. Instances are immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// <para>Tokenization (both configurations): a token is a maximal run of Unicode letters and decimal/other digits
/// (general categories L*, Nd, Nl, No), with combining marks (Mn, Mc, Me) kept inside a run so that decomposed
/// accents and Indic scripts do not split words. Supplementary-plane characters are classified as whole runes.
/// Tokens are lower-cased with the invariant culture. Everything else separates tokens.</para>
/// <para><see cref="English"/> additionally: an apostrophe (<c>'</c> or <c>’</c>) between two letters stays inside the
/// token; a trailing possessive <c>'s</c> is dropped (<c>Caroline's</c> -&gt; <c>caroline</c>, which the stemmer
/// then makes <c>carolin</c>, as it does <c>Caroline</c>); stop words
/// (<see cref="EnglishStopWords"/>, compared before stemming and with their apostrophes) are dropped; the remaining
/// apostrophes are removed (<c>o'brien</c> -&gt; <c>obrien</c>); then each token is reduced by
/// <see cref="PorterStemmer"/>.</para>
/// </remarks>
public sealed class TextAnalyzer
{
    // Tokens longer than this are analyzed in a pooled buffer instead of on the stack.
    private const int StackTokenLength = 128;

    /// <summary>
    /// The English stop words (127 words): articles, pronouns and their contracted forms, auxiliary and modal verbs,
    /// common prepositions and conjunctions, and question words. Close to the lists of Lucene's
    /// <c>EnglishAnalyzer</c> and NLTK, trimmed of words that carry meaning in personal conversations
    /// (e.g. <c>before</c>, <c>after</c>, <c>again</c>, <c>few</c>, <c>more</c> stay searchable).
    /// </summary>
    public static IReadOnlySet<string> EnglishStopWords { get; } = new[]
    {
        "a", "an", "the",
        "i", "me", "my", "myself", "we", "us", "our", "ourselves",
        "you", "your", "yourself", "yourselves",
        "he", "him", "his", "himself", "she", "her", "herself",
        "it", "its", "itself", "they", "them", "their", "themselves",
        "this", "that", "these", "those",
        "who", "whom", "whose", "which", "what", "when", "where", "why", "how",
        "am", "is", "are", "was", "were", "be", "been", "being",
        "have", "has", "had", "having", "do", "does", "did", "doing",
        "will", "would", "shall", "should", "can", "could", "may", "might", "must",
        "and", "but", "or", "nor", "if", "then", "than", "so", "as", "because", "while",
        "of", "at", "by", "for", "with", "about", "to", "from", "in", "on", "into", "onto", "upon", "out", "off",
        "up", "down", "over", "under",
        "not", "no", "very", "too", "just", "also",
        "all", "any", "both", "each", "some", "such", "own", "same", "other",
        "there", "here",
        "i'm", "i've", "i'd", "i'll", "you're", "you've", "we're", "we've", "they're",
        "don't", "didn't", "doesn't", "can't",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Looked up by span so that a token is tested before (and, for stop words, without) allocating its string.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWordLookup =
        ((FrozenSet<string>)EnglishStopWords).GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly bool _english;

    private TextAnalyzer(bool english)
    {
        _english = english;
    }

    /// <summary>
    /// Lower-cased Unicode letter/digit runs and nothing else: no stop words, no stemming, apostrophes separate
    /// tokens. The evaluation's BM25 baseline uses it (DESIGN.md section 5: BM25 over raw turns, no other processing).
    /// </summary>
    public static TextAnalyzer Plain { get; } = new(english: false);

    /// <summary>
    /// The same tokenization as <see cref="Plain"/>, plus English apostrophe handling, stop-word removal
    /// (<see cref="EnglishStopWords"/>) and Porter (1980) stemming.
    /// </summary>
    public static TextAnalyzer English { get; } = new(english: true);

    /// <summary>Analyzes a text into its index terms, in text order, repeated terms repeated.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A new list of terms.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<string> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        Analyze(text.AsSpan(), terms);
        return terms;
    }

    /// <summary>
    /// Analyzes a text into a caller-owned list, so that a caller indexing many texts reuses one buffer.
    /// Allocates only the term strings themselves (stop words allocate nothing).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="terms">The list to append the terms to; it is not cleared first.</param>
    /// <returns>The number of terms appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="terms"/> is null.</exception>
    public int Analyze(ReadOnlySpan<char> text, List<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var before = terms.Count;
        char[]? rented = null;
        Span<char> buffer = stackalloc char[StackTokenLength];
        try
        {
            var position = 0;
            while (position < text.Length)
            {
                if (!TryFindToken(text, ref position, out var start, out var end))
                {
                    break;
                }

                var length = end - start;
                if (length > buffer.Length)
                {
                    if (rented is not null)
                    {
                        ArrayPool<char>.Shared.Return(rented);
                    }

                    rented = ArrayPool<char>.Shared.Rent(length);
                    buffer = rented;
                }

                var written = text[start..end].ToLowerInvariant(buffer);
                EmitToken(buffer[..written], terms);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        return terms.Count - before;
    }

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019';

    private static bool IsTokenStart(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };

    private static bool IsLetter(UnicodeCategory category) => category is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
        or UnicodeCategory.OtherLetter;

    private static bool IsTokenContinuation(UnicodeCategory category) => IsTokenStart(category) || category is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>Classifies the character or surrogate pair at <paramref name="index"/>.</summary>
    private static UnicodeCategory CategoryAt(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (c < 0x80)
        {
            // ASCII fast path for English text; any letter category will do, callers only classify.
            width = 1;
            return char.IsAsciiLetterOrDigit(c) ? (char.IsAsciiDigit(c) ? UnicodeCategory.DecimalDigitNumber : UnicodeCategory.LowercaseLetter)
                : UnicodeCategory.OtherPunctuation;
        }

        if (Rune.DecodeFromUtf16(text[index..], out var rune, out width) != OperationStatus.Done)
        {
            width = 1;
            return UnicodeCategory.OtherNotAssigned;
        }

        return Rune.GetUnicodeCategory(rune);
    }

    private bool TryFindToken(ReadOnlySpan<char> text, ref int position, out int start, out int end)
    {
        var i = position;
        int width;
        while (i < text.Length && !IsTokenStart(CategoryAt(text, i, out width)))
        {
            i += width;
        }

        start = i;
        if (i >= text.Length)
        {
            end = i;
            position = i;
            return false;
        }

        while (i < text.Length)
        {
            var category = CategoryAt(text, i, out width);
            if (IsTokenContinuation(category))
            {
                i += width;
                continue;
            }

            // An apostrophe joins two letters (don't, Caroline's) only in the English configuration.
            if (_english && IsApostrophe(text[i]) && i + 1 < text.Length
                && char.IsLetter(text[i - 1]) && IsLetter(CategoryAt(text, i + 1, out _)))
            {
                i += 1;
                continue;
            }

            break;
        }

        end = i;
        position = i;
        return true;
    }

    private void EmitToken(Span<char> token, List<string> terms)
    {
        if (!_english)
        {
            terms.Add(new string(token));
            return;
        }

        // Normalize the typographic apostrophe so that stop words need one spelling.
        token.Replace('\u2019', '\'');
        if (token.EndsWith("'s"))
        {
            token = token[..^2];
        }

        if (StopWordLookup.Contains(token))
        {
            return;
        }

        var length = 0;
        foreach (var c in token)
        {
            if (c != '\'')
            {
                token[length++] = c;
            }
        }

        token = token[..length];
        length = PorterStemmer.Stem(token);
        terms.Add(new string(token[..length]));
    }
}
