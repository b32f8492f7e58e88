using System.Text.Json.Serialization;

namespace MemOS.Grains.Interfaces.Search;

/// <summary>How a hit's score was made (returned when a search asks for <c>explain</c>).</summary>
/// <param name="LexicalRank">1-based rank among BM25 candidates, or null when BM25 did not retrieve it.</param>
/// <param name="LexicalScore">Its BM25 score, or null.</param>
/// <param name="DenseRank">1-based rank among embedding candidates, or null.</param>
/// <param name="DenseScore">Its cosine similarity with the query, or null.</param>
/// <param name="Fused">The reciprocal-rank-fusion score: sum over rankers of weight / (k + rank).</param>
/// <param name="Neighbour">The share of a neighbouring memory's fused score this memory may take instead of its own;
/// the score uses max(<paramref name="Fused"/>, <paramref name="Neighbour"/>).</param>
/// <param name="SpeakerBoost">The factor for a speaker the query names (1 when none).</param>
/// <param name="TimeBoost">The factor for a valid time inside a time the query names (1 when none).</param>
/// <param name="UsageBoost">The factor from recency and access frequency (1 when those priors are off).</param>
/// <param name="RepeatedSource">Whether the score was lowered because its source message was already represented.</param>
/// <param name="EntityBoost">The factor for mentioning an entity (a proper name other than a speaker) the query names
/// (1 when none).</param>
public sealed record ScoreExplanation(
    [property: JsonPropertyName("lexicalRank")] int? LexicalRank,
    [property: JsonPropertyName("lexicalScore")] double? LexicalScore,
    [property: JsonPropertyName("denseRank")] int? DenseRank,
    [property: JsonPropertyName("denseScore")] double? DenseScore,
    [property: JsonPropertyName("fused")] double Fused,
    [property: JsonPropertyName("neighbour")] double Neighbour,
    [property: JsonPropertyName("speakerBoost")] double SpeakerBoost,
    [property: JsonPropertyName("timeBoost")] double TimeBoost,
    [property: JsonPropertyName("usageBoost")] double UsageBoost,
    [property: JsonPropertyName("repeatedSource")] bool RepeatedSource,
    [property: JsonPropertyName("entityBoost")] double EntityBoost = 1);
