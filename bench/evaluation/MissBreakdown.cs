using System.Text.Json.Nodes;

namespace MemOS.Evaluation;

/// <summary>Where the system's misses come from, per token budget and question category: a gold evidence turn that
/// the budgeted context does not cover was either <b>cut by the budget</b> (the system ranked it within its top
/// <see cref="RankingDepth"/> but it did not fit) or <b>not retrieved</b> (not in that ranking at all).</summary>
/// <param name="rankingDepth">How deep the ranking checked for "retrieved" goes (memories).</param>
public sealed class MissBreakdown(int rankingDepth)
{
    private readonly SortedDictionary<(int Budget, int Category), (int Gold, int CutByBudget, int NotRetrieved)> _counts = [];

    /// <summary>How deep the ranking checked for "retrieved" goes.</summary>
    public int RankingDepth { get; } = rankingDepth;

    /// <summary>Counts one question's evidence at one budget.</summary>
    /// <param name="budget">The token budget.</param>
    /// <param name="category">The question category.</param>
    /// <param name="gold">The normalized gold evidence turn ids.</param>
    /// <param name="inContext">The turn ids the budgeted context covers.</param>
    /// <param name="inRanking">The turn ids the top <see cref="RankingDepth"/> memories cover.</param>
    public void Add(int budget, int category, IReadOnlyCollection<string> gold, IReadOnlySet<string> inContext, IReadOnlySet<string> inRanking)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var (total, cut, missing) = _counts.GetValueOrDefault((budget, category));
        foreach (var id in gold)
        {
            total++;
            if (inContext.Contains(id))
            {
                continue;
            }

            if (inRanking.Contains(id))
            {
                cut++;
            }
            else
            {
                missing++;
            }
        }

        _counts[(budget, category)] = (total, cut, missing);
    }

    /// <summary>The counts of one budget and category: gold turns, those cut by the budget, those not retrieved.</summary>
    /// <param name="budget">The token budget.</param>
    /// <param name="category">The category.</param>
    /// <returns>The counts (zeros when nothing was added).</returns>
    public (int Gold, int CutByBudget, int NotRetrieved) Get(int budget, int category) => _counts.GetValueOrDefault((budget, category));

    /// <summary>As JSON: <c>{"ranking_depth": n, "&lt;budget&gt;tok": {"&lt;category&gt;": {"gold_turns": n,
    /// "cut_by_budget": n, "not_retrieved": n}}}</c>.</summary>
    /// <returns>The JSON object.</returns>
    public JsonObject ToJson()
    {
        var root = new JsonObject { ["ranking_depth"] = RankingDepth };
        foreach (var ((budget, category), (gold, cut, missing)) in _counts)
        {
            var key = budget + "tok";
            if (root[key] is not JsonObject perBudget)
            {
                root[key] = perBudget = new JsonObject();
            }

            perBudget[category.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["gold_turns"] = gold,
                ["cut_by_budget"] = cut,
                ["not_retrieved"] = missing,
            };
        }

        return root;
    }
}
