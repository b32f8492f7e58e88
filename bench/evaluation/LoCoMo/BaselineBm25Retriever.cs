using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Retrieval;

namespace MemOS.Evaluation.LoCoMo;

/// <summary>
/// The evaluation's baseline (DESIGN.md section 5): BM25 over a conversation's raw turns with no other processing,
/// one document per turn holding the turn's text only, analyzed by <see cref="TextAnalyzer.Plain"/>, scored by
/// <see cref="Bm25Index"/> with its default k1 = 1.2, b = 0.75. A retrieved turn covers its own dialogue id.
/// </summary>
public sealed class BaselineBm25Retriever
{
    private readonly Bm25Index _index = new();
    private readonly Dictionary<string, LoCoMoTurn> _turns = new(StringComparer.Ordinal);

    /// <summary>Indexes the given turns.</summary>
    /// <param name="turns">The turns (usually <see cref="LoCoMoConversation.Turns"/>), with distinct dialogue ids.</param>
    /// <exception cref="ArgumentNullException"><paramref name="turns"/> is null or holds null.</exception>
    /// <exception cref="ArgumentException">Two turns share a dialogue id.</exception>
    public BaselineBm25Retriever(IEnumerable<LoCoMoTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        foreach (var turn in turns)
        {
            ArgumentNullException.ThrowIfNull(turn, nameof(turns));
            if (!_turns.TryAdd(turn.DiaId, turn))
            {
                throw new ArgumentException($"Two turns have the dialogue id '{turn.DiaId}'.", nameof(turns));
            }

            _index.Add(turn.DiaId, TextAnalyzer.Plain.Analyze(turn.Text));
        }
    }

    /// <summary>The number of turns indexed.</summary>
    public int TurnCount => _turns.Count;

    /// <summary>Renders a turn as a context line, the way budgets are counted:
    /// <see cref="MemoryRendering.RenderLine(DateTimeOffset?, string?, string)"/> of its time, speaker and text.</summary>
    /// <param name="turn">The turn.</param>
    /// <returns>The line, e.g. <c>[8 May 2023] Caroline: text</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="turn"/> is null.</exception>
    public static string RenderTurn(LoCoMoTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        return MemoryRendering.RenderLine(turn.Timestamp, turn.Speaker, turn.Text);
    }

    /// <summary>Ranks the turns that share at least one term with the query.</summary>
    /// <param name="query">The query (a question's text).</param>
    /// <param name="topK">The most turns to return, at least 0.</param>
    /// <returns>Up to <paramref name="topK"/> turns, best first (ties in conversation order).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is negative.</exception>
    public IReadOnlyList<LoCoMoTurn> Rank(string query, int topK)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        var hits = _index.Search(TextAnalyzer.Plain.Analyze(query), topK);
        var ranked = new LoCoMoTurn[hits.Count];
        for (var i = 0; i < hits.Count; i++)
        {
            ranked[i] = _turns[hits[i].Id];
        }

        return ranked;
    }

    /// <summary>The dialogue ids of the <paramref name="k"/> best turns.</summary>
    /// <param name="query">The query.</param>
    /// <param name="k">The number of turns, at least 0.</param>
    /// <returns>Up to <paramref name="k"/> ids, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public IReadOnlyList<string> TopKTurnIds(string query, int k) => Rank(query, k).Select(t => t.DiaId).ToArray();

    /// <summary>The dialogue ids of the turns that <see cref="TokenBudgetPacker"/> keeps, in rank order, within a
    /// context budget, each turn rendered by <see cref="RenderTurn"/>.</summary>
    /// <param name="query">The query.</param>
    /// <param name="tokenBudget">The budget in tokens, at least 0.</param>
    /// <returns>The packed turns' ids, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenBudget"/> is negative.</exception>
    public IReadOnlyList<string> BudgetPackedTurnIds(string query, int tokenBudget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenBudget);
        return TokenBudgetPacker.Pack(Rank(query, TurnCount), RenderTurn, tokenBudget).Select(t => t.DiaId).ToArray();
    }

    /// <summary>
    /// Evaluates the baseline on conversations: for every question of categories 1-4, the standard metrics
    /// (<see cref="RecallMetrics.ForRanking"/>) over the turns ranked for the question's text. Questions whose
    /// evidence normalizes to no valid id are counted as excluded; category 5 and unknown categories are skipped.
    /// </summary>
    /// <param name="conversations">The conversations.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversations"/> is null.</exception>
    public static RecallReport Evaluate(IEnumerable<LoCoMoConversation> conversations)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        var report = new RecallReport();
        foreach (var conversation in conversations)
        {
            var retriever = new BaselineBm25Retriever(conversation.Turns);
            foreach (var question in conversation.Questions)
            {
                if (question.Category is < RecallReport.FirstCategory or > RecallReport.LastCategory)
                {
                    continue;
                }

                var gold = EvidenceIds.Normalize(question.Evidence, conversation.DiaIds);
                if (gold.Count == 0)
                {
                    report.AddExcluded();
                    continue;
                }

                var ranked = retriever.Rank(question.Question, retriever.TurnCount);
                report.Add(question.Category, RecallMetrics.ForRanking(gold, ranked, t => [t.DiaId], RenderTurn));
            }
        }

        return report;
    }
}
