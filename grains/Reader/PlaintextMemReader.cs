using System.Security.Cryptography;
using System.Text;
using MemOS.Grains.Interfaces.Memories;
using Microsoft.Extensions.Options;

namespace MemOS.Grains.Reader;

/// <summary>MemReader v1, no LLM: each message becomes one <see cref="MemoryKinds.Turn"/> memory, or, with
/// <see cref="MemoryGranularity.Sentence"/> granularity (the default), one <see cref="MemoryKinds.Utterance"/> memory per segment
/// of whole sentences (<see cref="SentenceSegmenter"/>): finer memories let a token budget hold more distinct facts.
/// Every memory keeps the message id and speaker in provenance, the message time as valid time, and the proper names
/// it mentions (capitalized words that do not open a sentence, plus the speaker) as entities.</summary>
/// <param name="options">The reader settings.</param>
public sealed class PlaintextMemReader(IOptions<MemReaderOptions> options) : IMemReader
{
    private readonly MemReaderOptions _options = options.Value;

    /// <inheritdoc />
    public MemoryProducer Producer { get; } = new("memreader.plaintext", "2");

    /// <inheritdoc />
    public IReadOnlyList<(int MessageIndex, MemCubeDraft Draft)> Read(
        string ownerId, string? conversationId, IReadOnlyList<ConversationMessage> messages, DateTimeOffset now)
    {
        var drafts = new List<(int, MemCubeDraft)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var time = message.Timestamp ?? now;
            var text = message.Text.Trim();
            var segments = _options.Granularity == MemoryGranularity.Sentence
                ? SentenceSegmenter.Segments(text, _options.MinSegmentChars, _options.MaxSegmentChars)
                : [text];
            if (segments.Count <= 1)
            {
                var provenance = new MemoryProvenance(conversationId, [message.Id], message.Speaker, time, Producer, []);
                drafts.Add((i, new MemCubeDraft(
                    ownerId, MemoryKinds.Turn, text, provenance, time, [], ExtractEntities(message.Speaker, text))));
                continue;
            }

            var digest = SourceDigest(message.Speaker, text);
            foreach (var segment in segments)
            {
                var provenance = new MemoryProvenance(conversationId, [message.Id], message.Speaker, time, Producer, [], digest);
                drafts.Add((i, new MemCubeDraft(
                    ownerId, MemoryKinds.Utterance, segment, provenance, time, [], ExtractEntities(message.Speaker, segment))));
            }
        }

        return drafts;
    }

    /// <summary>The digest recorded on the memories of a split message: the first 16 bytes of SHA-256 over
    /// <c>speaker \n text</c> (trimmed text), base64url.</summary>
    /// <param name="speaker">The speaker.</param>
    /// <param name="text">The message text.</param>
    /// <returns>A 22-character digest.</returns>
    public static string SourceDigest(string speaker, string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(speaker + "\n" + text.Trim()));
        return Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Finds proper-name candidates: words starting with an upper-case letter that do not open a sentence
    /// (so "Yesterday" at the start is skipped but "Melanie" mid-sentence is kept), plus the speaker.</summary>
    /// <param name="speaker">The speaker, always an entity.</param>
    /// <param name="text">The message text.</param>
    /// <returns>Distinct entities in order of first mention.</returns>
    internal static IReadOnlyList<string> ExtractEntities(string speaker, string text)
    {
        var entities = new List<string> { speaker };
        var sentenceStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '-'))
                {
                    i++;
                }

                var word = text[start..i];
                if (!sentenceStart && char.IsUpper(word[0]) && word.Length > 1 && word != "I'm"
                    && !entities.Contains(word, StringComparer.OrdinalIgnoreCase))
                {
                    entities.Add(word);
                }

                sentenceStart = false;
                continue;
            }

            if (c is '.' or '!' or '?' or '\n' or ':' or '"')
            {
                sentenceStart = true;
            }

            i++;
        }

        return entities;
    }
}
