namespace MemOS.Benchmarks.Scheduling;

/// <summary>What the search-latency harness remembers and asks: an endless, deterministic stream of conversations
/// (the harness takes as many as it needs) and a fixed list of natural questions.</summary>
/// <param name="Name">The corpus name shown in reports (<c>synthetic</c>, <c>locomo</c>).</param>
/// <param name="Description">One line on where the texts come from.</param>
/// <param name="Conversations">Conversations in the order they are added; never ends.</param>
/// <param name="Questions">The queries, asked in this order, cyclically.</param>
public sealed record BenchmarkCorpus(
    string Name,
    string Description,
    IEnumerable<BenchmarkConversation> Conversations,
    IReadOnlyList<string> Questions);
