using System.Globalization;
using MemOS.Grains.Retrieval;

namespace MemOS.Evaluation;

/// <summary>
/// Evidence recall, the retrieval-quality measure of DESIGN.md section 5 (no LLM judge): the share of a question's
/// gold evidence turns covered by the retrieved memories, where a memory covers the turn ids of its provenance.
/// </summary>
public static class RecallMetrics
{
    /// <summary>The memory counts k of the standard recall@k keys: 5, 10, 20, 30.</summary>
    public static IReadOnlyList<int> StandardCutoffs { get; } = [5, 10, 20, 30];

    /// <summary>The context budgets, in tokens, of the standard recall@N-tokens keys: 500, 1000, 2000.</summary>
    public static IReadOnlyList<int> StandardTokenBudgets { get; } = [500, 1000, 2000];

    /// <summary>The standard metric keys, in report order: <c>recall@5</c> ... <c>recall@30</c>, then
    /// <c>recall@500tok</c>, <c>recall@1000tok</c>, <c>recall@2000tok</c>.</summary>
    public static IReadOnlyList<string> StandardKeys { get; } =
        [.. StandardCutoffs.Select(AtCutoff), .. StandardTokenBudgets.Select(AtTokenBudget)];

    /// <summary>The key of recall over the first <paramref name="k"/> retrieved memories.</summary>
    /// <param name="k">The number of memories, at least 1.</param>
    /// <returns><c>recall@k</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public static string AtCutoff(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return string.Create(CultureInfo.InvariantCulture, $"recall@{k}");
    }

    /// <summary>The key of recall over the memories packed into a context budget.</summary>
    /// <param name="tokenBudget">The budget in tokens, at least 1.</param>
    /// <returns><c>recall@&lt;budget&gt;tok</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenBudget"/> is below 1.</exception>
    public static string AtTokenBudget(int tokenBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenBudget, 1);
        return string.Create(CultureInfo.InvariantCulture, $"recall@{tokenBudget}tok");
    }

    /// <summary>The union of the turn ids covered by retrieved memories.</summary>
    /// <param name="memoryProvenance">For each retrieved memory, the message ids of its provenance.</param>
    /// <returns>The covered turn ids.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="memoryProvenance"/> or one of its lists is null.</exception>
    public static IReadOnlySet<string> Covered(IEnumerable<IEnumerable<string>> memoryProvenance)
    {
        ArgumentNullException.ThrowIfNull(memoryProvenance);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ids in memoryProvenance)
        {
            ArgumentNullException.ThrowIfNull(ids, nameof(memoryProvenance));
            covered.UnionWith(ids);
        }

        return covered;
    }

    /// <summary>Evidence recall of one question: <c>|gold ∩ covered| / |gold|</c>.</summary>
    /// <param name="goldIds">The question's normalized gold evidence ids (<see cref="LoCoMo.EvidenceIds"/>); duplicates count once.</param>
    /// <param name="coveredTurnIds">The turn ids covered by the retrieved memories (<see cref="Covered"/>).</param>
    /// <returns>The recall, in [0, 1].</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="goldIds"/> is empty: such a question has no recall and
    /// is excluded from the means (<see cref="RecallReport.AddExcluded"/>).</exception>
    public static double EvidenceRecall(IReadOnlyCollection<string> goldIds, IReadOnlySet<string> coveredTurnIds)
    {
        ArgumentNullException.ThrowIfNull(goldIds);
        ArgumentNullException.ThrowIfNull(coveredTurnIds);
        var gold = goldIds.Distinct(StringComparer.Ordinal).ToArray();
        if (gold.Length == 0)
        {
            throw new ArgumentException("A question without gold evidence ids has no recall; exclude it instead.", nameof(goldIds));
        }

        return (double)gold.Count(coveredTurnIds.Contains) / gold.Length;
    }

    /// <summary>Evidence recall of one question over the memories retrieved for it.</summary>
    /// <param name="goldIds">The question's normalized gold evidence ids.</param>
    /// <param name="memoryProvenance">For each retrieved memory, the message ids of its provenance.</param>
    /// <returns>The recall, in [0, 1].</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="goldIds"/> is empty.</exception>
    public static double EvidenceRecall(IReadOnlyCollection<string> goldIds, IEnumerable<IEnumerable<string>> memoryProvenance)
        => EvidenceRecall(goldIds, Covered(memoryProvenance));

    /// <summary>
    /// Computes every standard metric of one question from one ranking: recall@k over the ranking's first k
    /// memories, and recall@N-tokens over the memories <see cref="TokenBudgetPacker"/> keeps within N tokens.
    /// </summary>
    /// <typeparam name="T">The memory type.</typeparam>
    /// <param name="goldIds">The question's normalized gold evidence ids, not empty.</param>
    /// <param name="ranked">The retrieved memories, best first; at least as many as the largest cutoff and enough to
    /// fill the largest budget for the figures to be meaningful.</param>
    /// <param name="provenance">The message ids a memory covers.</param>
    /// <param name="renderLine">The memory's context line (<c>MemoryRendering.RenderLine</c>).</param>
    /// <returns>A value for each of <see cref="StandardKeys"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="goldIds"/> is empty.</exception>
    public static IReadOnlyDictionary<string, double> ForRanking<T>(
        IReadOnlyCollection<string> goldIds, IReadOnlyList<T> ranked, Func<T, IEnumerable<string>> provenance, Func<T, string> renderLine)
    {
        ArgumentNullException.ThrowIfNull(goldIds);
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(provenance);
        ArgumentNullException.ThrowIfNull(renderLine);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var k in StandardCutoffs)
        {
            values[AtCutoff(k)] = EvidenceRecall(goldIds, ranked.Take(k).Select(provenance));
        }

        foreach (var budget in StandardTokenBudgets)
        {
            values[AtTokenBudget(budget)] = EvidenceRecall(goldIds, TokenBudgetPacker.Pack(ranked, renderLine, budget).Select(provenance));
        }

        return values;
    }
}
