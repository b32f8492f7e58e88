using System.Globalization;
using System.Text;

namespace MemOS.Evaluation.LoCoMo;

/// <summary>
/// Normalizes LoCoMo evidence strings into the dialogue ids of real turns (DESIGN.md section 5).
/// </summary>
/// <remarks>
/// <para>Each raw string may hold several ids: it is split on <c>;</c>, <c>,</c> and white space. Each piece is read
/// as <c>D</c> followed by exactly two numbers (session and turn) separated by anything that is not a digit, so
/// <c>D30:05</c> -&gt; <c>D30:5</c>, <c>D:11:26</c> -&gt; <c>D11:26</c>, <c>(D3:4)</c> -&gt; <c>D3:4</c>,
/// <c>d3:4</c> -&gt; <c>D3:4</c>. A piece without a <c>D</c> or without exactly two numbers (a bare <c>D</c>,
/// <c>D12</c>, <c>D1:2:3</c>) is dropped, and so is a well-formed id that matches no turn of the conversation
/// (an id past the end of a session, or a session that does not exist).</para>
/// </remarks>
public static class EvidenceIds
{
    private static readonly char[] Separators = [';', ','];

    /// <summary>Normalizes a question's raw evidence strings.</summary>
    /// <param name="rawEvidence">The question's evidence strings, as in the file.</param>
    /// <param name="knownDiaIds">The dialogue ids of the conversation's turns (<see cref="LoCoMoConversation.DiaIds"/>).</param>
    /// <param name="rejected">When given, receives every piece that was dropped, as it appeared in the file.</param>
    /// <returns>The distinct valid ids, in order of first appearance; empty when none is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rawEvidence"/> or <paramref name="knownDiaIds"/> is
    /// null, or holds a null string.</exception>
    public static IReadOnlyList<string> Normalize(
        IEnumerable<string> rawEvidence, IReadOnlySet<string> knownDiaIds, ICollection<string>? rejected = null)
    {
        ArgumentNullException.ThrowIfNull(rawEvidence);
        ArgumentNullException.ThrowIfNull(knownDiaIds);
        var result = new List<string>();
        foreach (var raw in rawEvidence)
        {
            ArgumentNullException.ThrowIfNull(raw, nameof(rawEvidence));
            foreach (var piece in Split(raw))
            {
                var id = NormalizeOne(piece);
                if (id is not null && knownDiaIds.Contains(id))
                {
                    if (!result.Contains(id, StringComparer.Ordinal))
                    {
                        result.Add(id);
                    }
                }
                else
                {
                    rejected?.Add(piece);
                }
            }
        }

        return result;
    }

    /// <summary>Reads one evidence piece as a canonical dialogue id, without checking that such a turn exists.</summary>
    /// <param name="piece">One piece of an evidence string (no separators), e.g. <c>D30:05</c>.</param>
    /// <returns>The canonical id <c>D&lt;session&gt;:&lt;turn&gt;</c> with numbers in plain decimal, or
    /// <see langword="null"/> when the piece cannot be read as one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="piece"/> is null.</exception>
    public static string? NormalizeOne(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        var d = piece.AsSpan().IndexOfAny('D', 'd');
        if (d < 0)
        {
            return null;
        }

        Span<int> numbers = stackalloc int[2];
        var count = 0;
        var rest = piece.AsSpan(d + 1);
        while (!rest.IsEmpty)
        {
            var start = rest.IndexOfAnyInRange('0', '9');
            if (start < 0)
            {
                break;
            }

            rest = rest[start..];
            var end = rest.IndexOfAnyExceptInRange('0', '9');
            var digits = end < 0 ? rest : rest[..end];
            if (count == numbers.Length
                || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[count]))
            {
                return null;
            }

            count++;
            rest = end < 0 ? [] : rest[end..];
        }

        return count == 2
            ? string.Create(CultureInfo.InvariantCulture, $"D{numbers[0]}:{numbers[1]}")
            : null;
    }

    private static IEnumerable<string> Split(string raw)
    {
        var piece = new StringBuilder();
        foreach (var c in raw)
        {
            if (char.IsWhiteSpace(c) || Array.IndexOf(Separators, c) >= 0)
            {
                if (piece.Length > 0)
                {
                    yield return piece.ToString();
                    piece.Clear();
                }
            }
            else
            {
                piece.Append(c);
            }
        }

        if (piece.Length > 0)
        {
            yield return piece.ToString();
        }
    }
}
