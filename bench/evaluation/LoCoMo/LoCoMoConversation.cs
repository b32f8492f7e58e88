namespace MemOS.Evaluation.LoCoMo;

/// <summary>One LoCoMo sample: a long two-person conversation and the questions asked about it.</summary>
/// <param name="SampleId">The sample id, e.g. <c>conv-26</c>.</param>
/// <param name="SpeakerA">The first speaker's name.</param>
/// <param name="SpeakerB">The second speaker's name.</param>
/// <param name="Sessions">The sessions, by number ascending.</param>
/// <param name="Questions">The questions, in file order, all categories.</param>
public sealed record LoCoMoConversation(
    string SampleId,
    string SpeakerA,
    string SpeakerB,
    IReadOnlyList<LoCoMoSession> Sessions,
    IReadOnlyList<LoCoMoQuestion> Questions)
{
    /// <summary>Every turn of every session, in conversation order.</summary>
    public IReadOnlyList<LoCoMoTurn> Turns { get; } = Sessions.SelectMany(s => s.Turns).ToArray();

    /// <summary>The dialogue ids of all turns: the ids evidence may validly cite.</summary>
    public IReadOnlySet<string> DiaIds { get; } = Sessions.SelectMany(s => s.Turns).Select(t => t.DiaId).ToHashSet(StringComparer.Ordinal);
}
