using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Reader;
using MemOS.Grains.Retrieval;
using Microsoft.Extensions.Logging;

namespace MemOS.Grains.Scheduling;

/// <content>Fusion of near-duplicates (the paper's MemOperator): a memory just added that repeats an older one of the
/// same user, speaker and day, by meaning (<see cref="MemSchedulerOptions.FusionMinSimilarity"/>) and by words
/// (<see cref="MemSchedulerOptions.FusionMinTermOverlap"/>), is fused into the older one: the survivor keeps its text
/// and gains the newcomer's provenance (<see cref="MemoryRecord.FusedFrom"/>); the newcomer becomes Merged
/// (<see cref="MemoryRecord.MergedInto"/>) and leaves the index, and its source messages point at the survivor.
/// The same day is required because a repeated sentence on another day ("I went running today") is another event.</content>
public sealed partial class MemSchedulerGrain
{
    /// <summary>The most memories of one speaker and day a new memory is compared with (the newest).</summary>
    private const int FusionMaxCandidates = 256;

    /// <summary>The indexed memories by speaker and day of their valid time (fusion candidates).</summary>
    private readonly Dictionary<string, HashSet<string>> _fusionBuckets = new(StringComparer.Ordinal);

    /// <summary>Fuses each new memory that nearly repeats an older indexed one; returns, by new memory id, the
    /// survivor it was fused into.</summary>
    private async Task<Dictionary<string, MemoryRecord>> FuseAsync(
        IReadOnlyList<MemoryRecord> created, IReadOnlyList<MemCubeDraft> drafts, CancellationToken cancellationToken)
    {
        var fused = new Dictionary<string, MemoryRecord>(StringComparer.Ordinal);
        if (!_options.Fusion)
        {
            return fused;
        }

        for (var i = 0; i < created.Count; i++)
        {
            var record = created[i];
            if (record.Kind is not (MemoryKinds.Turn or MemoryKinds.Utterance) || drafts[i].Embedding is not { } embedding
                || embedding.ModelId != _vectors.ModelId || !_memories.ContainsKey(record.Id))
            {
                continue;
            }

            // Candidates: the memories of the same speaker and day (a near-duplicate must share both), newest first,
            // at most FusionMaxCandidates: a scan of the whole index per new memory would make ingestion quadratic.
            if (!_fusionBuckets.TryGetValue(FusionBucket(record), out var bucket))
            {
                continue;
            }

            var terms = TermSet(record.Text);
            var survivor = bucket.Where(id => string.CompareOrdinal(id, record.Id) < 0)
                .OrderByDescending(static id => id, StringComparer.Ordinal).Take(FusionMaxCandidates)
                .Select(id => _memories.TryGetValue(id, out var m) ? m.Record : null)
                .FirstOrDefault(older => older is not null && IsNearDuplicate(older, record, terms)
                    && _vectors.Similarity(embedding.Vector, older.Id) is { } similarity && similarity >= _options.FusionMinSimilarity);
            if (survivor is null)
            {
                continue;
            }

            // The survivor keeps the newcomer's source digest (a one-sentence turn has none of its own: its text is the
            // message), so a repeat of that message is told from a different one without the merged text.
            var provenance = record.Provenance.SourceDigest is null && record.Kind == MemoryKinds.Turn
                ? record.Provenance with { SourceDigest = PlaintextMemReader.SourceDigest(record.Provenance.Speaker ?? "", record.Text) }
                : record.Provenance;
            var absorbed = await Cube(survivor.Id).AbsorbAsync(new FusedSource(record.Id, provenance), cancellationToken);
            await Cube(record.Id).MergeIntoAsync(survivor.Id, cancellationToken);
            Unindex(record.Id);
            _tombstones.Add(record.Id);
            Index(absorbed, null);
            PointMessagesAt(record.Provenance, survivor.Id);
            fused[record.Id] = absorbed;
            LogFused(_logger, record.Id, survivor.Id);
        }

        return fused;
    }

    private bool IsNearDuplicate(MemoryRecord older, MemoryRecord newer, HashSet<string> newerTerms)
    {
        if (!string.Equals(older.Provenance.Speaker, newer.Provenance.Speaker, StringComparison.OrdinalIgnoreCase)
            || older.ValidFrom?.UtcDateTime.Date != newer.ValidFrom?.UtcDateTime.Date
            || older.Kind is not (MemoryKinds.Turn or MemoryKinds.Utterance))
        {
            return false;
        }

        var olderTerms = TermSet(older.Text);
        var union = olderTerms.Count + newerTerms.Count - olderTerms.Count(newerTerms.Contains);
        return union > 0 && (double)olderTerms.Count(newerTerms.Contains) / union >= _options.FusionMinTermOverlap;
    }

    private static string FusionBucket(MemoryRecord record)
        => (record.Provenance.Speaker ?? "").ToLowerInvariant() + "\n" + (record.ValidFrom?.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-");

    /// <summary>Moves a memory between fusion buckets as it is indexed (<paramref name="now"/>), changed or taken out
    /// (<paramref name="now"/> null).</summary>
    private void TrackFusionBucket(MemoryRecord? before, MemoryRecord? now)
    {
        if (before is not null && _fusionBuckets.TryGetValue(FusionBucket(before), out var old))
        {
            old.Remove(before.Id);
            if (old.Count == 0)
            {
                _fusionBuckets.Remove(FusionBucket(before));
            }
        }

        if (now is not null)
        {
            var key = FusionBucket(now);
            if (!_fusionBuckets.TryGetValue(key, out var bucket))
            {
                _fusionBuckets[key] = bucket = new HashSet<string>(StringComparer.Ordinal);
            }

            bucket.Add(now.Id);
        }
    }

    private static HashSet<string> TermSet(string text) => new(TextAnalyzer.English.Analyze(text), StringComparer.Ordinal);

    /// <summary>Makes a merged memory's source messages answer with the survivor (a repeated add is recognised).</summary>
    private void PointMessagesAt(MemoryProvenance provenance, string survivorId)
    {
        if (provenance.ConversationId is not { } conversation)
        {
            return;
        }

        foreach (var messageId in provenance.MessageIds)
        {
            _messages[(conversation, messageId)] = survivorId;
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Memory {CubeId} fused into the near-duplicate {SurvivorId}")]
    private static partial void LogFused(ILogger logger, string cubeId, string survivorId);
}
