namespace MemOS.Grains.Scheduling;

/// <summary>Settings of the MemScheduler grains, bound from <c>MemOS:Scheduler</c>.</summary>
public sealed class MemSchedulerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Scheduler";

    /// <summary>How often accesses counted by searches are sent to the cubes, batched. Default: 5 seconds.</summary>
    public TimeSpan AccessFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many cubes are created or activated concurrently by one add. Default: 16.</summary>
    public int WriteConcurrency { get; set; } = 16;

    /// <summary>How many candidates each ranker (BM25, dense) contributes to fusion. Default: 300.</summary>
    public int CandidatePool { get; set; } = 300;

    /// <summary>Reciprocal rank fusion's k (Cormack et al. 2009 use 60). Default: 60.</summary>
    public double RrfK { get; set; } = 60;

    /// <summary>The weight of the BM25 ranking in fusion. Default: 1.</summary>
    public double LexicalWeight { get; set; } = 1;

    /// <summary>The weight of the dense (embedding) ranking in fusion; 0 turns dense retrieval off. Default: 1.</summary>
    public double DenseWeight { get; set; } = 1;

    /// <summary>Whether a new memory that nearly repeats an older one of the same speaker and day is fused into it
    /// (MemOperator): the older keeps the union of provenance, the new one becomes Merged. Default: on.</summary>
    public bool Fusion { get; set; } = true;

    /// <summary>The least dense similarity (cosine after the space's common-component removal) of two memories that
    /// fusion treats as near-duplicates. Default: 0.95.</summary>
    public double FusionMinSimilarity { get; set; } = 0.95;

    /// <summary>...and the least overlap of their analyzed (stemmed, stop-word-free) term sets, as Jaccard
    /// |A∩B| / |A∪B|. Default: 0.8.</summary>
    public double FusionMinTermOverlap { get; set; } = 0.8;

    /// <summary>The relative score boost of memories spoken by a person the query names (people mostly tell about
    /// themselves). Default: 1 (the score doubles).</summary>
    public double SpeakerBoost { get; set; } = 1;

    /// <summary>The relative score boost of memories that mention an entity (a proper name the reader found, other
    /// than a speaker: a place, a pet, a band) that the query names; 0 turns it off. Default: 0.5 (neutral on the
    /// LoCoMo development split, where BM25 already weighs rare names: recall within 1,000 tokens 0.867 with 0, 0.5
    /// and 1).</summary>
    public double EntityBoost { get; set; } = 0.5;

    /// <summary>The relative score boost of memories whose valid time, or a time their text mentions, lies in a time
    /// the query names ("in May 2023", "last week", resolved against the search's reference time); 0 turns it off.
    /// Default: 1 (the score doubles).</summary>
    public double TimeMatchBoost { get; set; } = 1;

    /// <summary>The relative score boost, for a question asking when ("When did ..."), of memories whose text mentions
    /// a time ("yesterday", "last June"): they date what they tell. 0 turns it off. Default: 0.25.</summary>
    public double WhenMentionBoost { get; set; } = 0.25;

    /// <summary>Whether dense scores remove the corpus' common component (SIF step 2). Default: true.</summary>
    public bool RemoveCommonComponent { get; set; } = true;

    /// <summary>How many vector changes (adds, replacements, removals), as a share of the vectors the common component
    /// was last computed from, make a search recompute it first; below that, new vectors are projected with the
    /// current component. 0 recomputes after every change. Default: 0.05.</summary>
    public double CommonComponentRefreshShare { get; set; } = 0.05;

    /// <summary>The factor on the score of a memory whose source messages are already represented by better-ranked
    /// memories (1 turns diversification off). Default: 0.3.</summary>
    public double RepeatedSourcePenalty { get; set; } = 0.3;

    /// <summary>The share of a memory's fused score that the memories right before and after it in its conversation
    /// can take instead of their own, lower score (0 turns neighbour expansion off): a neighbour scores
    /// max(own, share * seed), so it never outranks the memory that found it. Default: 0.8.</summary>
    public double NeighbourWeight { get; set; } = 0.8;

    /// <summary>How many of the best fused candidates pass score to their neighbours. Default: 50.</summary>
    public int NeighbourSeeds { get; set; } = 50;

    /// <summary>The most sentences of the extractive session digest built for each add (0: no digests).
    /// Default: 0.</summary>
    public int SessionDigestMaxSentences { get; set; }

    /// <summary>The fewest messages an add needs to get a session digest. Default: 8.</summary>
    public int SessionDigestMinMessages { get; set; } = 8;

    /// <summary>The weight of the recency prior (0: off). A memory's score is multiplied by
    /// 1 + weight * 2^(-age / <see cref="RecencyHalfLife"/>). Default: 0 (LoCoMo questions are as likely about old
    /// sessions as new ones).</summary>
    public double RecencyWeight { get; set; }

    /// <summary>The half-life of the recency prior. Default: 30 days.</summary>
    public TimeSpan RecencyHalfLife { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The weight of the access-frequency prior (0: off). A memory's score is multiplied by
    /// 1 + weight * ln(1 + times searches returned it). Default: 0.</summary>
    public double AccessWeight { get; set; }

    /// <summary>The default token budget (ceil(chars/4) of the rendered memories) of a chat's retrieval; fewer are used
    /// when the generation model's context is smaller. Default: 256.</summary>
    public int ChatTokenBudget { get; set; } = 256;

    /// <summary>The default number of tokens a chat generates at most. Default: 64.</summary>
    public int ChatMaxTokens { get; set; } = 64;
}
