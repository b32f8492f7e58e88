namespace MemOS.Grains.Interfaces.Errors;

/// <summary>A message id already remembered for the conversation was sent again with different content. HTTP 409.
/// Nothing from the request was stored.</summary>
/// <param name="conversationId">The conversation.</param>
/// <param name="messageId">The message id.</param>
/// <param name="existingCubeId">The memory already built from that message.</param>
public sealed class MessageConflictException(string conversationId, string messageId, string existingCubeId)
    : MemOSException($"Message '{messageId}' of conversation '{conversationId}' is already remembered as memory " +
                     $"'{existingCubeId}' with different content; update that memory instead.")
{
    /// <summary>The conversation.</summary>
    public string ConversationId { get; } = conversationId;

    /// <summary>The message id.</summary>
    public string MessageId { get; } = messageId;

    /// <summary>The memory already built from that message.</summary>
    public string ExistingCubeId { get; } = existingCubeId;
}
