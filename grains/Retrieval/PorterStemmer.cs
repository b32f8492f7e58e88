using System.Buffers;

namespace MemOS.Grains.Retrieval;

/// <summary>
/// The Porter stemming algorithm for English, as published in M. F. Porter, "An algorithm for suffix stripping",
/// <i>Program</i> 14(3), 1980, pp. 130-137: steps 1a, 1b, 1c, 2, 3, 4, 5a and 5b.
/// </summary>
/// <remarks>
/// <para>This is the algorithm of the 1980 paper, not the later "Porter2"/Snowball English stemmer. It differs from
/// Porter's own ANSI C reference program in the two places where that program departs from the paper: step 2 uses
/// the paper's <c>abli -&gt; able</c> (the program has <c>bli -&gt; ble</c>) and has no <c>logi -&gt; log</c> rule.</para>
/// <para>As in every published implementation, words of one or two characters are returned unchanged. Input is
/// expected in lower case; characters other than <c>a</c>-<c>z</c> are treated as consonants, so digits and
/// non-English letters pass through harmlessly.</para>
/// <para>Stemming works in place on a character span, so <see cref="Stem(Span{char})"/> never allocates and
/// <see cref="Stem(string)"/> allocates only the resulting string, and only when the word changed.</para>
/// </remarks>
public static class PorterStemmer
{
    // Words longer than this are stemmed in a pooled buffer instead of on the stack.
    private const int StackBufferLength = 128;

    /// <summary>Stems one lower-case English word.</summary>
    /// <param name="lowerCaseWord">The word, in lower case (the algorithm is defined on lower-case letters).</param>
    /// <returns>The stem; the same string instance when nothing was stripped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lowerCaseWord"/> is null.</exception>
    public static string Stem(string lowerCaseWord)
    {
        ArgumentNullException.ThrowIfNull(lowerCaseWord);
        if (lowerCaseWord.Length <= 2)
        {
            return lowerCaseWord;
        }

        char[]? rented = null;
        var buffer = lowerCaseWord.Length <= StackBufferLength
            ? stackalloc char[StackBufferLength]
            : (rented = ArrayPool<char>.Shared.Rent(lowerCaseWord.Length));
        try
        {
            var word = buffer[..lowerCaseWord.Length];
            lowerCaseWord.AsSpan().CopyTo(word);
            var length = Stem(word);
            return length == lowerCaseWord.Length && word[..length].SequenceEqual(lowerCaseWord)
                ? lowerCaseWord
                : new string(word[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Stems one lower-case English word in place.</summary>
    /// <param name="word">The word's characters, in lower case; overwritten with the stem's characters.</param>
    /// <returns>The stem's length: the stem is <c>word[..length]</c>. A stem is never longer than its word.</returns>
    public static int Stem(Span<char> word)
    {
        if (word.Length <= 2)
        {
            return word.Length;
        }

        var stemmer = new Stemmer(word);
        stemmer.Step1A();
        stemmer.Step1B();
        stemmer.Step1C();
        stemmer.Step2();
        stemmer.Step3();
        stemmer.Step4();
        stemmer.Step5A();
        stemmer.Step5B();
        return stemmer.Length;
    }

    /// <summary>
    /// The working state of one stemming: the buffer and the current end of the word. Each step checks the
    /// longest matching suffix of its list only, as the paper prescribes; when that rule's condition fails the
    /// step does nothing, it does not fall back to a shorter suffix.
    /// </summary>
    private ref struct Stemmer
    {
        private readonly Span<char> _word;

        public Stemmer(Span<char> word)
        {
            _word = word;
            Length = word.Length;
        }

        public int Length { get; private set; }

        private readonly ReadOnlySpan<char> Current => _word[..Length];

        public void Step1A()
        {
            if (EndsWith("sses"))
            {
                Length -= 2;
            }
            else if (EndsWith("ies"))
            {
                Length -= 2;
            }
            else if (EndsWith("ss"))
            {
                // "ss" -> "ss": keeps the final s of caress from the s rule below.
            }
            else if (EndsWith("s"))
            {
                Length -= 1;
            }
        }

        public void Step1B()
        {
            if (EndsWith("eed"))
            {
                if (Measure(Length - 3) > 0)
                {
                    Length -= 1;
                }

                return;
            }

            int stemLength;
            if (EndsWith("ed"))
            {
                stemLength = Length - 2;
            }
            else if (EndsWith("ing"))
            {
                stemLength = Length - 3;
            }
            else
            {
                return;
            }

            if (!ContainsVowel(stemLength))
            {
                return;
            }

            Length = stemLength;
            if (EndsWith("at") || EndsWith("bl") || EndsWith("iz"))
            {
                Append('e');
            }
            else if (EndsWithDoubleConsonant(Length) && !EndsWithAny("lsz"))
            {
                Length -= 1;
            }
            else if (Measure(Length) == 1 && EndsWithCvc(Length))
            {
                Append('e');
            }
        }

        public void Step1C()
        {
            if (EndsWith("y") && ContainsVowel(Length - 1))
            {
                _word[Length - 1] = 'i';
            }
        }

        public void Step2()
        {
            if (Length < 2)
            {
                return;
            }

            // Dispatch on the penultimate letter, as Porter's own program does, to test only a few suffixes.
            switch (_word[Length - 2])
            {
                case 'a':
                    _ = ReplaceIfMeasured("ational", "ate") || ReplaceIfMeasured("tional", "tion");
                    break;
                case 'c':
                    _ = ReplaceIfMeasured("enci", "ence") || ReplaceIfMeasured("anci", "ance");
                    break;
                case 'e':
                    _ = ReplaceIfMeasured("izer", "ize");
                    break;
                case 'l':
                    _ = ReplaceIfMeasured("abli", "able") || ReplaceIfMeasured("alli", "al")
                        || ReplaceIfMeasured("entli", "ent") || ReplaceIfMeasured("eli", "e")
                        || ReplaceIfMeasured("ousli", "ous");
                    break;
                case 'o':
                    _ = ReplaceIfMeasured("ization", "ize") || ReplaceIfMeasured("ation", "ate")
                        || ReplaceIfMeasured("ator", "ate");
                    break;
                case 's':
                    _ = ReplaceIfMeasured("alism", "al") || ReplaceIfMeasured("iveness", "ive")
                        || ReplaceIfMeasured("fulness", "ful") || ReplaceIfMeasured("ousness", "ous");
                    break;
                case 't':
                    _ = ReplaceIfMeasured("aliti", "al") || ReplaceIfMeasured("iviti", "ive")
                        || ReplaceIfMeasured("biliti", "ble");
                    break;
            }
        }

        public void Step3()
        {
            switch (_word[Length - 1])
            {
                case 'e':
                    _ = ReplaceIfMeasured("icate", "ic") || ReplaceIfMeasured("ative", "")
                        || ReplaceIfMeasured("alize", "al");
                    break;
                case 'i':
                    _ = ReplaceIfMeasured("iciti", "ic");
                    break;
                case 'l':
                    _ = ReplaceIfMeasured("ical", "ic") || ReplaceIfMeasured("ful", "");
                    break;
                case 's':
                    _ = ReplaceIfMeasured("ness", "");
                    break;
            }
        }

        public void Step4()
        {
            if (Length < 2)
            {
                return;
            }

            int suffixLength;
            switch (_word[Length - 2])
            {
                case 'a':
                    suffixLength = Match("al");
                    break;
                case 'c':
                    suffixLength = Match("ance", "ence");
                    break;
                case 'e':
                    suffixLength = Match("er");
                    break;
                case 'i':
                    suffixLength = Match("ic");
                    break;
                case 'l':
                    suffixLength = Match("able", "ible");
                    break;
                case 'n':
                    suffixLength = Match("ant", "ement", "ment", "ent");
                    break;
                case 'o':
                    suffixLength = Match("ion");
                    if (suffixLength > 0)
                    {
                        var stemEnd = Length - suffixLength;
                        if (stemEnd == 0 || (_word[stemEnd - 1] != 's' && _word[stemEnd - 1] != 't'))
                        {
                            return;
                        }
                    }
                    else
                    {
                        suffixLength = Match("ou");
                    }

                    break;
                case 's':
                    suffixLength = Match("ism");
                    break;
                case 't':
                    suffixLength = Match("ate", "iti");
                    break;
                case 'u':
                    suffixLength = Match("ous");
                    break;
                case 'v':
                    suffixLength = Match("ive");
                    break;
                case 'z':
                    suffixLength = Match("ize");
                    break;
                default:
                    return;
            }

            if (suffixLength > 0 && Measure(Length - suffixLength) > 1)
            {
                Length -= suffixLength;
            }
        }

        public void Step5A()
        {
            if (!EndsWith("e"))
            {
                return;
            }

            var m = Measure(Length - 1);
            if (m > 1 || (m == 1 && !EndsWithCvc(Length - 1)))
            {
                Length -= 1;
            }
        }

        public void Step5B()
        {
            if (EndsWith("ll") && Measure(Length) > 1)
            {
                Length -= 1;
            }
        }

        private readonly bool EndsWith(string suffix) => Current.EndsWith(suffix, StringComparison.Ordinal);

        private readonly bool EndsWithAny(string letters) => Length > 0 && letters.Contains(_word[Length - 1]);

        /// <summary>Returns the length of the first (longest, by the caller's order) suffix that matches, else 0.</summary>
        private readonly int Match(string a, string? b = null, string? c = null, string? d = null)
        {
            if (EndsWith(a))
            {
                return a.Length;
            }

            if (b is not null && EndsWith(b))
            {
                return b.Length;
            }

            if (c is not null && EndsWith(c))
            {
                return c.Length;
            }

            return d is not null && EndsWith(d) ? d.Length : 0;
        }

        /// <summary>
        /// The rule <c>(m &gt; 0) suffix -&gt; replacement</c> of steps 2 and 3. Returns whether the suffix matched
        /// (not whether it was replaced), which ends the step either way.
        /// </summary>
        private bool ReplaceIfMeasured(string suffix, string replacement)
        {
            if (!EndsWith(suffix))
            {
                return false;
            }

            var stemLength = Length - suffix.Length;
            if (Measure(stemLength) > 0)
            {
                replacement.AsSpan().CopyTo(_word[stemLength..]);
                Length = stemLength + replacement.Length;
            }

            return true;
        }

        private void Append(char c)
        {
            // Only called right after at least two characters were stripped, so there is room.
            _word[Length] = c;
            Length += 1;
        }

        private readonly bool IsConsonant(int i)
        {
            switch (_word[i])
            {
                case 'a':
                case 'e':
                case 'i':
                case 'o':
                case 'u':
                    return false;
                case 'y':
                    return i == 0 || !IsConsonant(i - 1);
                default:
                    return true;
            }
        }

        /// <summary>The paper's m: the number of VC sequences in [C](VC)^m[V] of <c>word[..stemLength]</c>.</summary>
        private readonly int Measure(int stemLength)
        {
            var i = 0;
            while (i < stemLength && IsConsonant(i))
            {
                i++;
            }

            var m = 0;
            while (i < stemLength)
            {
                while (i < stemLength && !IsConsonant(i))
                {
                    i++;
                }

                if (i >= stemLength)
                {
                    break;
                }

                m++;
                while (i < stemLength && IsConsonant(i))
                {
                    i++;
                }
            }

            return m;
        }

        private readonly bool ContainsVowel(int stemLength)
        {
            for (var i = 0; i < stemLength; i++)
            {
                if (!IsConsonant(i))
                {
                    return true;
                }
            }

            return false;
        }

        private readonly bool EndsWithDoubleConsonant(int stemLength)
            => stemLength >= 2 && _word[stemLength - 1] == _word[stemLength - 2] && IsConsonant(stemLength - 1);

        /// <summary>The paper's *o: the stem ends consonant-vowel-consonant, the last not w, x or y.</summary>
        private readonly bool EndsWithCvc(int stemLength)
        {
            if (stemLength < 3 || !IsConsonant(stemLength - 1) || IsConsonant(stemLength - 2) || !IsConsonant(stemLength - 3))
            {
                return false;
            }

            var last = _word[stemLength - 1];
            return last is not ('w' or 'x' or 'y');
        }
    }
}
