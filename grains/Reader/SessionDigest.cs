using System.Numerics.Tensors;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Reader;

/// <summary>Builds the extractive session-level memory of one batch of messages (no LLM): the sentences closest to
/// the batch's mean embedding (centroid-based extractive summarization, Radev et al., "Centroid-based summarization
/// of multiple documents", 2004), in conversation order, as one <see cref="MemoryKinds.Summary"/> memory whose
/// provenance lists exactly the messages those sentences came from.</summary>
public static class SessionDigest
{
    /// <summary>Sentences shorter than this many characters are not picked (greetings carry no content).</summary>
    public const int MinSentenceChars = 40;

    /// <summary>Builds the digest draft of a batch, or none when the batch is too small.</summary>
    /// <param name="drafts">The batch's memory drafts in conversation order, each with its embedding.</param>
    /// <param name="minMessages">The fewest distinct messages a batch needs for a digest.</param>
    /// <param name="maxSentences">The most sentences a digest holds.</param>
    /// <returns>The digest draft (without embedding), or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">A draft has no embedding.</exception>
    public static MemCubeDraft? Build(IReadOnlyList<MemCubeDraft> drafts, int minMessages, int maxSentences)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        var messages = drafts.SelectMany(d => d.Provenance.MessageIds).Distinct(StringComparer.Ordinal).Count();
        if (drafts.Count == 0 || messages < minMessages || maxSentences < 1)
        {
            return null;
        }

        var dimension = drafts[0].Embedding?.Vector.Length ?? throw new ArgumentException("Drafts must be embedded.", nameof(drafts));
        var centroid = new float[dimension];
        foreach (var draft in drafts)
        {
            TensorPrimitives.Add(centroid, (draft.Embedding ?? throw new ArgumentException("Drafts must be embedded.", nameof(drafts))).Vector, centroid);
        }

        var norm = TensorPrimitives.Norm(centroid);
        if (norm == 0)
        {
            return null;
        }

        TensorPrimitives.Divide(centroid, norm, centroid);
        var count = Math.Clamp((messages + 9) / 10, 1, maxSentences);
        var picked = drafts
            .Select((draft, index) => (Draft: draft, Index: index))
            .Where(p => p.Draft.Text.Length >= MinSentenceChars)
            .OrderByDescending(p => TensorPrimitives.Dot(p.Draft.Embedding!.Vector, centroid))
            .ThenBy(p => p.Index)
            .Take(count)
            .OrderBy(p => p.Index)
            .Select(p => p.Draft)
            .ToList();
        if (picked.Count == 0)
        {
            return null;
        }

        var text = string.Join(' ', picked.Select(d => MemoryRendering.RenderEntry(d.Provenance.Speaker, d.Text)));
        var first = picked[0];
        var provenance = first.Provenance with
        {
            MessageIds = picked.SelectMany(d => d.Provenance.MessageIds).Distinct(StringComparer.Ordinal).ToList(),
            Speaker = null,
            SourceDigest = null,
        };
        var entities = picked.SelectMany(d => d.Entities).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new MemCubeDraft(first.OwnerId, MemoryKinds.Summary, text, provenance, first.ValidFrom, ["session-digest"], entities);
    }
}
