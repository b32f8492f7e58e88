using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Reader;

/// <summary>A MemReader (MemOS paper section 4): turns conversation messages into plaintext MemCube drafts.</summary>
public interface IMemReader
{
    /// <summary>The reader's name and version, recorded as each memory's producer.</summary>
    MemoryProducer Producer { get; }

    /// <summary>Reads messages into drafts: at least one per message, each keeping its source message ids and
    /// speaker in provenance and the message time as valid time.</summary>
    /// <param name="ownerId">The user the memories belong to.</param>
    /// <param name="conversationId">The conversation, or null.</param>
    /// <param name="messages">Validated messages, in conversation order.</param>
    /// <param name="now">The time to use for messages without a timestamp.</param>
    /// <returns>The drafts with the index of the message each came from, in message order.</returns>
    IReadOnlyList<(int MessageIndex, MemCubeDraft Draft)> Read(
        string ownerId, string? conversationId, IReadOnlyList<ConversationMessage> messages, DateTimeOffset now);
}
