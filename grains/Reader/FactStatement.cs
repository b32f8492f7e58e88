using System.Text.RegularExpressions;

namespace MemOS.Grains.Reader;

/// <summary>A statement of a single-valued fact about a subject found in a memory's text: "Ana lives in Porto",
/// "I work as a nurse", "My favourite colour is green". A later statement of the same subject and attribute with
/// another value updates the fact.</summary>
/// <param name="Subject">Who it is about, lower-cased (the speaker for first-person statements).</param>
/// <param name="Attribute">What it says: <c>lives_in</c>, <c>works</c>, <c>favourite_{thing}</c>.</param>
/// <param name="Value">The value, lower-cased, without the final punctuation.</param>
public sealed partial record FactStatement(string Subject, string Attribute, string Value)
{
    /// <summary>Finds the fact a sentence states, if it has one of the known shapes.</summary>
    /// <param name="speaker">Who said it (the subject of "I" and "my").</param>
    /// <param name="text">The memory's text (one sentence or turn).</param>
    /// <returns>The statement, or null.</returns>
    public static FactStatement? Find(string? speaker, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentence = text.Trim();
        foreach (var (pattern, attribute) in Patterns)
        {
            var match = pattern.Match(sentence);
            if (!match.Success)
            {
                continue;
            }

            var subject = match.Groups["s"].Value;
            var who = subject.Equals("I", StringComparison.OrdinalIgnoreCase) || subject.Equals("my", StringComparison.OrdinalIgnoreCase)
                ? speaker
                : subject;
            var value = match.Groups["v"].Value.Trim().TrimEnd('.', '!', '?', ',', ';').Trim();
            if (string.IsNullOrWhiteSpace(who) || value.Length == 0)
            {
                return null;
            }

            var name = attribute == "favourite" ? "favourite_" + match.Groups["a"].Value.ToLowerInvariant() : attribute;
            return new FactStatement(who.ToLowerInvariant(), name, value.ToLowerInvariant());
        }

        return null;
    }

    private static readonly (Regex Pattern, string Attribute)[] Patterns =
    [
        (LivesIn(), "lives_in"),
        (MovedTo(), "lives_in"),
        (Works(), "works"),
        (Favourite(), "favourite"),
    ];

    [GeneratedRegex(@"^(?<s>I|[A-Z][a-z]+) (?:now |still )?(?:live|lives|am living|is living) in (?<v>[^,;]+)[.!]?$", RegexOptions.CultureInvariant)]
    private static partial Regex LivesIn();

    [GeneratedRegex(@"^(?<s>I|[A-Z][a-z]+) (?:just |recently )?(?:moved|have moved|has moved) to (?<v>[^,;]+)[.!]?$", RegexOptions.CultureInvariant)]
    private static partial Regex MovedTo();

    [GeneratedRegex(@"^(?<s>I|[A-Z][a-z]+) (?:now )?(?:work|works|am working|is working) (?:as|at) (?<v>[^,;]+)[.!]?$", RegexOptions.CultureInvariant)]
    private static partial Regex Works();

    [GeneratedRegex(@"^(?<s>My|[A-Z][a-z]+)(?:'s)? favou?rite (?<a>[a-z]+) is (?:now )?(?<v>[^,;]+)[.!]?$", RegexOptions.CultureInvariant)]
    private static partial Regex Favourite();
}
