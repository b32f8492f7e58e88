using System.Diagnostics;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Scheduling;

/// <content>Hybrid search: candidate generation, fusion and packing.</content>
public sealed partial class MemSchedulerGrain
{
    /// <inheritdoc />
    public async Task<SearchResponse> SearchAsync(MemorySearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.Query))
        {
            throw new ArgumentException("A search needs a non-empty query.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(query.TopK, 1);
        if (query.TokenBudget is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), "A token budget is at least 1.");
        }

        RefreshCommonComponent();
        var queryVector = (await _embedder.EmbedAsync([query.Query], cancellationToken))[0];
        var pool = Math.Max(query.TopK, _options.CandidatePool);
        var ranked = Diversify(Rank(query.Query, queryVector, pool));

        IReadOnlyList<RankedMemory> selected = query.TokenBudget is { } budget
            ? ContextPacker.Pack(ranked, r => r.Memory.Entry, budget)
            : ranked.Take(query.TopK).ToList();

        var now = TimeProvider.GetUtcNow();
        var hits = new List<SearchHit>(selected.Count);
        foreach (var (memory, score) in selected)
        {
            var r = memory.Record;
            hits.Add(new SearchHit(r.Id, score, r.Kind, r.Text, r.Provenance.Speaker, r.ValidFrom, r.Provenance, memory.Rendered));
            CountAccess(r.Id, now);
        }

        var context = MemoryRendering.RenderGroupedContext(selected.Select(s => s.Memory.Entry));
        return new SearchResponse(hits, MemoryRendering.CountTokens(context.Length), query.TokenBudget, context);
    }

    /// <summary>Ranks the user's memories for a query: BM25 and cosine candidates fused by reciprocal rank
    /// (Cormack, Clarke and Buettcher, SIGIR 2009: score = sum over rankers of w / (k + rank)), then boosted for
    /// memories spoken by a person the query names.</summary>
    private List<RankedMemory> Rank(string query, float[] queryVector, int pool)
    {
        var fused = new Dictionary<string, double>(StringComparer.Ordinal);
        var terms = TextAnalyzer.English.Analyze(query);
        var lexical = _lexical.Search(terms, pool);
        for (var rank = 0; rank < lexical.Count; rank++)
        {
            Accumulate(fused, lexical[rank].Id, _options.LexicalWeight / (_options.RrfK + rank + 1));
        }

        if (_vectors.Count > 0 && _options.DenseWeight > 0)
        {
            var dense = _vectors.Search(queryVector, pool);
            for (var rank = 0; rank < dense.Count; rank++)
            {
                Accumulate(fused, dense[rank].Id, _options.DenseWeight / (_options.RrfK + rank + 1));
            }
        }

        ExpandWithNeighbours(fused);
        var named = NamedSpeakers(query);
        var ranked = new List<RankedMemory>(fused.Count);
        foreach (var (id, score) in fused)
        {
            var memory = _memories[id];
            var boost = named.Count > 0 && memory.Record.Provenance.Speaker is { } speaker && named.Contains(speaker)
                ? 1 + _options.SpeakerBoost
                : 1;
            ranked.Add(new RankedMemory(memory, score * boost));
        }

        ranked.Sort(static (a, b) => b.Score != a.Score
            ? b.Score.CompareTo(a.Score)
            : string.CompareOrdinal(a.Memory.Record.Id, b.Memory.Record.Id));
        return ranked;
    }

    /// <summary>Re-orders a ranking so that memories from a message already represented move down: a memory whose
    /// source messages all appear among the memories placed before it competes with its score times
    /// <see cref="MemSchedulerOptions.RepeatedSourcePenalty"/> (a lazy greedy, as in maximal marginal relevance,
    /// Carbonell and Goldstein, SIGIR 1998, with source overlap as the redundancy measure).</summary>
    private List<RankedMemory> Diversify(List<RankedMemory> ranked)
    {
        var penalty = _options.RepeatedSourcePenalty;
        if (penalty >= 1 || ranked.Count < 2)
        {
            return ranked;
        }

        var covered = new HashSet<(string?, string)>();
        var queue = new PriorityQueue<(RankedMemory Memory, bool Penalized), (double Score, int Order)>(
            ranked.Count, Comparer<(double Score, int Order)>.Create(static (a, b) =>
                a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Order.CompareTo(b.Order)));
        for (var i = 0; i < ranked.Count; i++)
        {
            queue.Enqueue((ranked[i], false), (ranked[i].Score, i));
        }

        var result = new List<RankedMemory>(ranked.Count);
        while (queue.TryDequeue(out var item, out var priority))
        {
            var provenance = item.Memory.Memory.Record.Provenance;
            var repeated = provenance.MessageIds.Count > 0
                && provenance.MessageIds.All(m => covered.Contains((provenance.ConversationId, m)));
            if (repeated && !item.Penalized)
            {
                queue.Enqueue((item.Memory, true), (priority.Score * penalty, priority.Order));
                continue;
            }

            result.Add(item.Memory);
            foreach (var m in provenance.MessageIds)
            {
                covered.Add((provenance.ConversationId, m));
            }
        }

        return result;
    }

    /// <summary>Gives the memories right before and after a well-scored memory in its conversation a share
    /// (<see cref="MemSchedulerOptions.NeighbourWeight"/>) of its score: an answer often sits next to the sentence
    /// that matched the question's words.</summary>
    private void ExpandWithNeighbours(Dictionary<string, double> fused)
    {
        var weight = _options.NeighbourWeight;
        if (weight <= 0 || fused.Count == 0)
        {
            return;
        }

        var seeds = fused.OrderByDescending(p => p.Value).Take(_options.NeighbourSeeds).ToList();
        foreach (var (id, score) in seeds)
        {
            var record = _memories[id].Record;
            if (record.Provenance.ConversationId is not { } conversation
                || !_conversationOrder.TryGetValue(conversation, out var order))
            {
                continue;
            }

            var position = order.BinarySearch(id, StringComparer.Ordinal);
            if (position < 0)
            {
                continue;
            }

            foreach (var neighbour in new[] { position - 1, position + 1 })
            {
                if (neighbour >= 0 && neighbour < order.Count)
                {
                    Accumulate(fused, order[neighbour], weight * score);
                }
            }
        }
    }

    private HashSet<string> NamedSpeakers(string query)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var word in Inference.Embeddings.Glove.WordTokenizer.Words(query))
        {
            if (_speakers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word.Span, out var speaker))
            {
                named.Add(speaker);
            }
        }

        return named;
    }

    private static void Accumulate(Dictionary<string, double> scores, string id, double value)
        => scores[id] = scores.GetValueOrDefault(id) + value;

    private void RefreshCommonComponent()
    {
        if (_commonComponentDirty)
        {
            var started = Stopwatch.GetTimestamp();
            _vectors.RecomputeCommonComponent();
            _commonComponentDirty = false;
            LogCommonComponent(_logger, _vectors.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <inheritdoc />
    public async Task<int> ReembedAsync(CancellationToken cancellationToken = default)
    {
        var stale = _memories.Keys.Where(id => !_vectors.Contains(id)).Order(StringComparer.Ordinal).ToList();
        foreach (var batch in stale.Chunk(64))
        {
            var vectors = await _embedder.EmbedAsync(batch.Select(id => _memories[id].Record.Text).ToList(), cancellationToken);
            for (var i = 0; i < batch.Length; i++)
            {
                var embedding = new MemoryEmbedding(_embedder.ModelId, vectors[i]);
                await Cube(batch[i]).SetEmbeddingAsync(embedding, cancellationToken);
                _vectors.Upsert(batch[i], embedding.Vector, embedding.ModelId);
            }
        }

        _commonComponentDirty |= stale.Count > 0;
        return stale.Count;
    }

    private readonly record struct RankedMemory(IndexedMemory Memory, double Score);
}
