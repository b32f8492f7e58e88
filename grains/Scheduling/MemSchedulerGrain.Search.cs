using System.Diagnostics;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Retrieval;
using MemOS.Grains.Telemetry;

namespace MemOS.Grains.Scheduling;

/// <content>Hybrid search: candidate generation, fusion and packing.</content>
public sealed partial class MemSchedulerGrain
{
    private async Task<SearchResponse> SearchCoreAsync(MemorySearchQuery query, CancellationToken cancellationToken = default)
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

        if (query.Filters is { ValidFrom: { } from, ValidTo: { } to } && to <= from)
        {
            throw new ArgumentException("filters.validTo must be after filters.validFrom.", nameof(query));
        }

        var started = Stopwatch.GetTimestamp();
        using var activity = SchedulerMetrics.ActivitySource.StartActivity("memscheduler.search");
        var selected = await SelectAsync(query, cancellationToken);
        if (query.AsOf is { } asOf)
        {
            selected = await AsOfAsync(selected, asOf, cancellationToken);
        }

        var now = TimeProvider.GetUtcNow();
        var hits = new List<SearchHit>(selected.Count);
        foreach (var item in selected)
        {
            var r = item.Memory.Record;
            hits.Add(new SearchHit(
                r.Id, item.Score, r.Kind, r.Text, r.Provenance.Speaker, r.ValidFrom, r.Provenance, item.Memory.Rendered, r.ValidTo,
                query.Explain ? item.Parts.Explain() : null));
            CountAccess(r.Id, now);
        }

        var context = MemoryRendering.RenderGroupedContext(selected.Select(s => s.Memory.Entry));
        RecordSearch(selected, query.TokenBudget is not null, Stopwatch.GetElapsedTime(started));
        activity?.SetTag("memos.hits", hits.Count);
        return new SearchResponse(hits, MemoryRendering.CountTokens(context.Length), query.TokenBudget, context);
    }

    /// <summary>The hits as they were at transaction time <paramref name="asOf"/>: a memory changed since then is shown
    /// with the version visible at that time (its cube's <see cref="Interfaces.Grains.IMemCubeGrain.GetAsOfAsync"/>),
    /// keeping its rank. Ranking uses the index, which holds current content only; memories created later were
    /// already left out (<see cref="Admission"/>).</summary>
    private async Task<IReadOnlyList<RankedMemory>> AsOfAsync(
        IReadOnlyList<RankedMemory> selected, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var result = selected.ToArray();
        var changed = Enumerable.Range(0, result.Length).Where(i => result[i].Memory.Record.UpdatedAt > asOf).ToArray();
        var then = await Task.WhenAll(changed.Select(i => Cube(result[i].Memory.Record.Id).GetAsOfAsync(asOf, cancellationToken)));
        for (var c = 0; c < changed.Length; c++)
        {
            var i = changed[c];
            result[i] = result[i] with { Memory = IndexedMemory.Of(then[c]) };
        }

        return result;
    }

    /// <summary>Ranks the memories for a validated query and keeps the best: within its token budget when it has one,
    /// else its top k.</summary>
    private async Task<IReadOnlyList<RankedMemory>> SelectAsync(MemorySearchQuery query, CancellationToken cancellationToken)
    {
        RefreshCommonComponent();
        var queryVector = (await _embedder.EmbedAsync([query.Query], cancellationToken))[0];
        var pool = Math.Max(query.TopK, _options.CandidatePool);
        var ranked = Diversify(Rank(query, queryVector, pool));
        return query.TokenBudget is { } budget
            ? ContextPacker.Pack(ranked, r => r.Memory.Entry, budget)
            : ranked.Take(query.TopK).ToList();
    }

    private void RecordSearch(IReadOnlyList<RankedMemory> selected, bool budgeted, TimeSpan duration)
    {
        int lexical = 0, dense = 0, both = 0, neighbour = 0;
        foreach (var item in selected)
        {
            switch (item.Parts)
            {
                case { LexicalRank: not null, DenseRank: not null }:
                    both++;
                    break;
                case { LexicalRank: not null }:
                    lexical++;
                    break;
                case { DenseRank: not null }:
                    dense++;
                    break;
                default:
                    neighbour++;
                    break;
            }
        }

        _metrics.RecordSearch(duration, budgeted, lexical, dense, both, neighbour);
    }

    /// <summary>Ranks the user's memories for a query: BM25 and cosine candidates (both among the memories the
    /// filters admit) fused by reciprocal rank (Cormack, Clarke and Buettcher, SIGIR 2009:
    /// score = sum over rankers of w / (k + rank)), plus a share for neighbours of good candidates, then boosted for
    /// memories spoken by a person the query names, memories mentioning another entity the query names, and for memories inside the times the query names (or, for a
    /// "when" question, memories that mention a time).</summary>
    private List<RankedMemory> Rank(MemorySearchQuery query, float[] queryVector, int pool)
    {
        var admit = Admission(query);
        var parts = new Dictionary<string, ScoreParts>(StringComparer.Ordinal);
        var lexical = _lexical.Search(TextAnalyzer.English.Analyze(query.Query), pool, admit);
        for (var rank = 0; rank < lexical.Count; rank++)
        {
            var p = Parts(parts, lexical[rank].Id);
            p.LexicalRank = rank + 1;
            p.LexicalScore = lexical[rank].Score;
            p.Fused += _options.LexicalWeight / (_options.RrfK + rank + 1);
        }

        if (_vectors.Count > 0 && _options.DenseWeight > 0)
        {
            var dense = _vectors.Search(queryVector, pool, admit);
            for (var rank = 0; rank < dense.Count; rank++)
            {
                var p = Parts(parts, dense[rank].Id);
                p.DenseRank = rank + 1;
                p.DenseScore = dense[rank].Score;
                p.Fused += _options.DenseWeight / (_options.RrfK + rank + 1);
            }
        }

        ExpandWithNeighbours(parts, admit);
        var named = NamedSpeakers(query.Query);
        var entities = _options.EntityBoost > 0 ? NamedEntities(query.Query, named) : [];
        var referenceTime = query.ReferenceTime ?? TimeProvider.GetUtcNow();
        var spans = _options.TimeMatchBoost > 0 ? TimeExpressionResolver.Resolve(query.Query, referenceTime) : [];
        var asksWhen = _options.WhenMentionBoost > 0 && TimeExpressionResolver.AsksWhen(query.Query);
        var ranked = new List<RankedMemory>(parts.Count);
        foreach (var (id, p) in parts)
        {
            var memory = _memories[id];
            if (named.Count > 0 && memory.Record.Provenance.Speaker is { } speaker && named.Contains(speaker))
            {
                p.SpeakerBoost = 1 + _options.SpeakerBoost;
            }

            if (entities.Count > 0 && memory.Record.Entities.Any(entities.Contains))
            {
                p.EntityBoost = 1 + _options.EntityBoost;
            }

            p.UsageBoost = UsageBoost(memory.Record, referenceTime);
            p.TimeBoost = (spans.Count > 0 && memory.IsWithin(spans) ? 1 + _options.TimeMatchBoost : 1)
                * (asksWhen && memory.TimeMentions.Count > 0 ? 1 + _options.WhenMentionBoost : 1);

            ranked.Add(new RankedMemory(memory, p.Final, p));
        }

        ranked.Sort(static (a, b) => b.Score != a.Score
            ? b.Score.CompareTo(a.Score)
            : string.CompareOrdinal(a.Memory.Record.Id, b.Memory.Record.Id));
        return ranked;
    }

    /// <summary>The prior from recency and use: (1 + r * 2^(-age / half-life)) * (1 + a * ln(1 + accesses)), with
    /// r = <see cref="MemSchedulerOptions.RecencyWeight"/> over the memory's valid-time age at the reference time and
    /// a = <see cref="MemSchedulerOptions.AccessWeight"/> over how often searches returned it.</summary>
    private double UsageBoost(MemoryRecord record, DateTimeOffset referenceTime)
    {
        var boost = 1.0;
        if (_options.RecencyWeight > 0 && record.ValidFrom is { } validFrom)
        {
            var ageDays = Math.Max(0, (referenceTime - validFrom).TotalDays);
            boost *= 1 + (_options.RecencyWeight * Math.Pow(2, -ageDays / _options.RecencyHalfLife.TotalDays));
        }

        if (_options.AccessWeight > 0)
        {
            boost *= 1 + (_options.AccessWeight * Math.Log(1 + _accessCounts.GetValueOrDefault(record.Id)));
        }

        return boost;
    }

    /// <summary>The filter a memory must pass to be ranked at all (null when the query sets none).</summary>
    private Func<string, bool>? Admission(MemorySearchQuery query)
    {
        var filters = query.Filters;
        var asOf = query.AsOf;
        // A memory whose time to live has passed is never returned, even before the sweep marks it Expired.
        var now = TimeProvider.GetUtcNow();
        var expiring = _expiring.Count > 0 ? _expiring : null;
        if (filters is null && asOf is null && expiring is null)
        {
            return null;
        }

        var kinds = filters?.Kinds is { Count: > 0 } k ? new HashSet<string>(k, StringComparer.Ordinal) : null;
        var tags = filters?.Tags is { Count: > 0 } t ? new HashSet<string>(t, StringComparer.Ordinal) : null;
        var speakers = filters?.Speakers is { Count: > 0 } s ? new HashSet<string>(s, StringComparer.OrdinalIgnoreCase) : null;
        var validFrom = filters?.ValidFrom;
        var validTo = filters?.ValidTo;
        return id =>
        {
            var r = _memories[id].Record;
            return (kinds is null || kinds.Contains(r.Kind))
                && (tags is null || r.Tags.Any(tags.Contains))
                && (speakers is null || (r.Provenance.Speaker is { } who && speakers.Contains(who)))
                && (validFrom is null || (r.ValidFrom is { } vf && vf >= validFrom))
                && (validTo is null || (r.ValidFrom is { } vt && vt < validTo))
                && (asOf is null || r.CreatedAt <= asOf)
                && (expiring is null || r.ExpiresAt is not { } expiresAt || expiresAt > now);
        };
    }

    private static ScoreParts Parts(Dictionary<string, ScoreParts> parts, string id)
    {
        if (!parts.TryGetValue(id, out var p))
        {
            parts[id] = p = new ScoreParts();
        }

        return p;
    }

    /// <summary>Lets the memories right before and after a well-scored memory in its conversation score a share
    /// (<see cref="MemSchedulerOptions.NeighbourWeight"/>) of its fused score when that beats their own: an answer
    /// often sits next to the sentence that matched the question's words (the rest of the turn, or the reply).</summary>
    private void ExpandWithNeighbours(Dictionary<string, ScoreParts> parts, Func<string, bool>? admit)
    {
        var weight = _options.NeighbourWeight;
        if (weight <= 0 || parts.Count == 0)
        {
            return;
        }

        var seeds = parts.OrderByDescending(p => p.Value.Fused).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(_options.NeighbourSeeds).Select(p => (p.Key, p.Value.Fused)).ToList();
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
                if (neighbour >= 0 && neighbour < order.Count && (admit is null || admit(order[neighbour])))
                {
                    Parts(parts, order[neighbour]).Neighbour = Math.Max(Parts(parts, order[neighbour]).Neighbour, weight * score);
                }
            }
        }
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

            if (item.Penalized)
            {
                item.Memory.Parts.RepeatedSource = true;
            }

            result.Add(item.Penalized ? item.Memory with { Score = priority.Score } : item.Memory);
            foreach (var m in provenance.MessageIds)
            {
                covered.Add((provenance.ConversationId, m));
            }
        }

        return result;
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

    /// <summary>The entities (proper names the reader found in memories, speakers aside) that the query names.</summary>
    private HashSet<string> NamedEntities(string query, HashSet<string> speakers)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lookup = _entityMemoryCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var word in Inference.Embeddings.Glove.WordTokenizer.Words(query))
        {
            if (lookup.TryGetValue(word.Span, out _) && !speakers.Contains(word.ToString()))
            {
                named.Add(word.ToString());
            }
        }

        return named;
    }

    /// <summary>Recomputes the common component when it was never computed, or when the vectors added, replaced or
    /// removed since exceed <see cref="MemSchedulerOptions.CommonComponentRefreshShare"/> of those it was computed from
    /// (the component of thousands of sentence vectors barely moves with a few more, and the recomputation reads them
    /// all 20 times).</summary>
    private void RefreshCommonComponent()
    {
        if (_vectorChanges == 0
            || (_vectorsAtCommonComponent >= 0 && _vectorChanges < _options.CommonComponentRefreshShare * _vectorsAtCommonComponent))
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        _vectors.RecomputeCommonComponent();
        _vectorChanges = 0;
        _vectorsAtCommonComponent = _vectors.Count;
        LogCommonComponent(_logger, _vectors.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<ReembedResponse> ReembedCoreAsync(CancellationToken cancellationToken = default)
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
                _vectorChanges++;
            }
        }

        return new ReembedResponse(stale.Count, _embedder.ModelId);
    }

    private readonly record struct RankedMemory(IndexedMemory Memory, double Score, ScoreParts Parts);

    /// <summary>The parts of one memory's score, gathered while ranking.</summary>
    private sealed class ScoreParts
    {
        public int? LexicalRank { get; set; }

        public double? LexicalScore { get; set; }

        public int? DenseRank { get; set; }

        public double? DenseScore { get; set; }

        public double Fused { get; set; }

        public double Neighbour { get; set; }

        public double SpeakerBoost { get; set; } = 1;

        public double EntityBoost { get; set; } = 1;

        public double TimeBoost { get; set; } = 1;

        public double UsageBoost { get; set; } = 1;

        public bool RepeatedSource { get; set; }

        public double Final => Math.Max(Fused, Neighbour) * SpeakerBoost * EntityBoost * TimeBoost * UsageBoost;

        public ScoreExplanation Explain() => new(
            LexicalRank, LexicalScore, DenseRank, DenseScore, Fused, Neighbour, SpeakerBoost, TimeBoost, UsageBoost, RepeatedSource,
            EntityBoost);
    }
}
