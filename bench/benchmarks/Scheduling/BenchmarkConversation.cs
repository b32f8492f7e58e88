using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>One conversation: its id and its messages in order (at most
/// <see cref="Grains.Scheduling.MemSchedulerGrain.MaxMessagesPerAdd"/>, so one add carries it).</summary>
/// <param name="Id">The conversation id.</param>
/// <param name="Messages">The messages.</param>
public sealed record BenchmarkConversation(string Id, IReadOnlyList<ConversationMessage> Messages);
