using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Reader;

/// <summary>MemReader v1, no LLM: one <see cref="MemoryKinds.Turn"/> memory per message, text as said, with the
/// proper names it mentions (capitalized words that do not open a sentence, plus the speaker) as entities.</summary>
public sealed class PlaintextMemReader : IMemReader
{
    /// <inheritdoc />
    public MemoryProducer Producer { get; } = new("memreader.plaintext", "1");

    /// <inheritdoc />
    public IReadOnlyList<(int MessageIndex, MemCubeDraft Draft)> Read(
        string ownerId, string? conversationId, IReadOnlyList<ConversationMessage> messages, DateTimeOffset now)
    {
        var drafts = new List<(int, MemCubeDraft)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var time = message.Timestamp ?? now;
            var provenance = new MemoryProvenance(conversationId, [message.Id], message.Speaker, time, Producer, []);
            var draft = new MemCubeDraft(
                ownerId, MemoryKinds.Turn, message.Text.Trim(), provenance, time, [], ExtractEntities(message.Speaker, message.Text));
            drafts.Add((i, draft));
        }

        return drafts;
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
