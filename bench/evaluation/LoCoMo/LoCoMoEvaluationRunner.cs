using System.Diagnostics;
using System.Text.Json.Nodes;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;

namespace MemOS.Evaluation.LoCoMo;

/// <summary>
/// Runs the LoCoMo evidence-recall evaluation (DESIGN.md section 5) against a silo through the real REST API:
/// ingests every conversation into its own user, asks every question of categories 1-4, and scores the system and,
/// in the same run, the <see cref="BaselineBm25Retriever"/>.
/// </summary>
/// <remarks>
/// recall@k uses the first k hits of one search with <c>topK</c> = 200; recall@N-tokens uses the hits of a search
/// with <c>tokenBudget</c> = N, whose rendered context is re-counted here and must fit (a system that overspends
/// its budget fails the run rather than scoring). The baseline's budgets are packed by the same rule.
/// </remarks>
/// <param name="client">The client of the silo under test.</param>
/// <param name="userPrefix">Prefix of the user each conversation is ingested into (<c>{prefix}{sample_id}</c>).</param>
public sealed class LoCoMoEvaluationRunner(MemOSClient client, string userPrefix = "locomo-")
{
    /// <summary>How many baseline turns are ranked before packing: enough to fill the largest budget.</summary>
    private const int BaselineCandidates = 200;

    /// <summary>How deep the system's ranking is read (the API's largest topK): recall@k for every standard k comes
    /// from its prefix, and a missed turn within it counts as "cut by the budget".</summary>
    private const int RankingDepth = 200;

    private readonly MissBreakdown _misses = new(RankingDepth);

    /// <summary>Ingests the dataset, asks its questions and scores both retrievers.</summary>
    /// <param name="dataset">The LoCoMo conversations.</param>
    /// <param name="progress">Receives (phase, done, total) as the run advances; may be null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The system's and the baseline's reports and the timing.</returns>
    /// <exception cref="MemOSApiException">The silo rejected a request.</exception>
    /// <exception cref="InvalidOperationException">The system returned more tokens than a budget allows.</exception>
    public async Task<EvaluationResult> RunAsync(
        LoCoMoDataset dataset, IProgress<(string Phase, int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var ingestWatch = Stopwatch.StartNew();
        var totalSessions = dataset.Conversations.Sum(c => c.Sessions.Count);
        var sessionsDone = 0;
        foreach (var conversation in dataset.Conversations)
        {
            foreach (var session in conversation.Sessions)
            {
                var messages = session.Turns.Select(t => new ConversationMessage(t.DiaId, t.Speaker, t.Text, t.Timestamp)).ToList();
                await client.AddAsync(new AddMemoriesRequest(UserOf(conversation), messages, conversation.SampleId), cancellationToken);
                progress?.Report(("ingest", ++sessionsDone, totalSessions));
            }
        }

        var ingestSeconds = ingestWatch.Elapsed.TotalSeconds;
        var system = new RecallReport();
        var baseline = new RecallReport();
        var latencies = new List<double>();
        var questions = dataset.Conversations.SelectMany(c => c.Questions.Where(IsScored).Select(q => (Conversation: c, Question: q))).ToList();
        var baselines = dataset.Conversations.ToDictionary(c => c.SampleId, c => new BaselineBm25Retriever(c.Turns));
        var done = 0;
        foreach (var (conversation, question) in questions)
        {
            var gold = EvidenceIds.Normalize(question.Evidence, conversation.DiaIds);
            if (gold.Count == 0)
            {
                system.AddExcluded();
                baseline.AddExcluded();
                progress?.Report(("search", ++done, questions.Count));
                continue;
            }

            system.Add(question.Category, await ScoreSystemAsync(
                UserOf(conversation), question.Question, ReferenceTime(conversation), question.Category, gold, latencies, cancellationToken));
            var ranked = baselines[conversation.SampleId].Rank(question.Question, BaselineCandidates);
            baseline.Add(question.Category, RecallMetrics.ForRanking(gold, ranked, t => [t.DiaId], BaselineBm25Retriever.RenderTurn));
            progress?.Report(("search", ++done, questions.Count));
        }

        var result = new EvaluationResult(system, baseline, EvaluationTiming.FromLatencies(ingestSeconds, latencies));
        result.AdditionalFields["config"] = new JsonObject
        {
            ["conversations"] = dataset.Conversations.Count,
            ["turns_ingested"] = dataset.Conversations.Sum(c => c.Turns.Count),
            ["excluded_questions_without_valid_evidence"] = system.ExcludedQuestions,
            ["silo"] = client.BaseAddress.ToString(),
        };
        result.AdditionalFields["system_misses"] = _misses.ToJson();
        return result;
    }

    /// <summary>Questions of categories 1-4 are scored; category 5 (adversarial) is excluded, as MemOS and mem0 do.</summary>
    /// <param name="question">The question.</param>
    /// <returns><see langword="true"/> when scored.</returns>
    public static bool IsScored(LoCoMoQuestion question)
        => question.Category is >= RecallReport.FirstCategory and <= RecallReport.LastCategory;

    private string UserOf(LoCoMoConversation conversation) => userPrefix + conversation.SampleId;

    /// <summary>The misses of the last run, by budget and category.</summary>
    public MissBreakdown Misses => _misses;

    /// <summary>The "now" of a conversation's questions: they are asked after its last session (LoCoMo dates sessions,
    /// so relative expressions such as "last year" or "recently" resolve against the last session's time).</summary>
    public static DateTimeOffset? ReferenceTime(LoCoMoConversation conversation)
        => conversation.Turns.Count == 0 ? null : conversation.Turns.Max(t => t.Timestamp);

    private async Task<IReadOnlyDictionary<string, double>> ScoreSystemAsync(
        string user, string query, DateTimeOffset? referenceTime, int category, IReadOnlyList<string> gold, List<double> latencies,
        CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var ranked = await TimedSearchAsync(
            new SearchRequest(user, query, TopK: RankingDepth, ReferenceTime: referenceTime), latencies, cancellationToken);
        var inRanking = RecallMetrics.Covered(ranked.Hits.Select(h => h.Provenance.MessageIds));
        foreach (var k in RecallMetrics.StandardCutoffs)
        {
            values[RecallMetrics.AtCutoff(k)] = RecallMetrics.EvidenceRecall(gold, ranked.Hits.Take(k).Select(h => h.Provenance.MessageIds));
        }

        foreach (var budget in RecallMetrics.StandardTokenBudgets)
        {
            var packed = await TimedSearchAsync(
                new SearchRequest(user, query, TokenBudget: budget, ReferenceTime: referenceTime), latencies, cancellationToken);
            // Count what the memories really take, rendered here from their fields, not from the context the silo sent.
            var context = MemoryRendering.RenderGroupedContext(packed.Hits.Select(h => new ContextEntry(h.ValidFrom, h.Speaker, h.Text)));
            var tokens = MemoryRendering.CountTokens(context.Length);
            if (tokens > budget)
            {
                throw new InvalidOperationException($"The system returned {tokens} tokens for a {budget}-token budget (query: {query}).");
            }

            var inContext = RecallMetrics.Covered(packed.Hits.Select(h => h.Provenance.MessageIds));
            values[RecallMetrics.AtTokenBudget(budget)] = RecallMetrics.EvidenceRecall(gold, inContext);
            _misses.Add(budget, category, gold, inContext, inRanking);
        }

        return values;
    }

    private async Task<SearchResponse> TimedSearchAsync(SearchRequest request, List<double> latencies, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await client.SearchAsync(request, cancellationToken);
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }
}
