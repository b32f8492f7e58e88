using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Memories;

/// <summary>Body of <c>POST /v1/memories</c>: messages to remember for a user. All-or-nothing: if any message is
/// invalid, nothing is stored.</summary>
/// <param name="User">The user the memories belong to (see <see cref="MemCubeKeys.IsValidName"/>).</param>
/// <param name="Messages">1-1,000 messages.</param>
/// <param name="ConversationId">The conversation the messages belong to (1-128 characters), or null. With a
/// conversation id, a message id already remembered for that conversation is not stored twice.</param>
/// <param name="Space">The space: a shared space's name, or <c>u:{user}</c>; default: the user's private space.</param>
public sealed record AddMemoriesRequest(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("messages")] IReadOnlyList<ConversationMessage>? Messages,
    [property: JsonPropertyName("conversationId")] string? ConversationId = null,
    [property: JsonPropertyName("space")] string? Space = null);
