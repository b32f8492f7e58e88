namespace MemOS.Evaluation.LoCoMo;

/// <summary>One LoCoMo sample: a long two-person conversation and the questions asked about it.</summary>
/// <param name="sampleId">The sample id, e.g. <c>conv-26</c>.</param>
/// <param name="speakerA">The first speaker's name.</param>
/// <param name="speakerB">The second speaker's name.</param>
/// <param name="sessions">The sessions, by number ascending.</param>
/// <param name="questions">The questions, in file order, all categories.</param>
public sealed class LoCoMoConversation(
    string sampleId,
    string speakerA,
    string speakerB,
    IReadOnlyList<LoCoMoSession> sessions,
    IReadOnlyList<LoCoMoQuestion> questions)
{
    /// <summary>The sample id, e.g. <c>conv-26</c>.</summary>
    public string SampleId { get; } = sampleId;

    /// <summary>The first speaker's name.</summary>
    public string SpeakerA { get; } = speakerA;

    /// <summary>The second speaker's name.</summary>
    public string SpeakerB { get; } = speakerB;

    /// <summary>The sessions, by number ascending.</summary>
    public IReadOnlyList<LoCoMoSession> Sessions { get; } = sessions;

    /// <summary>The questions, in file order, all categories.</summary>
    public IReadOnlyList<LoCoMoQuestion> Questions { get; } = questions;

    /// <summary>Every turn of every session, in conversation order.</summary>
    public IReadOnlyList<LoCoMoTurn> Turns { get; } = sessions.SelectMany(s => s.Turns).ToArray();

    /// <summary>The dialogue ids of all turns: the ids evidence may validly cite.</summary>
    public IReadOnlySet<string> DiaIds { get; } = sessions.SelectMany(s => s.Turns).Select(t => t.DiaId).ToHashSet(StringComparer.Ordinal);
}
