using System.Text.Json.Serialization;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>What <c>search-latency</c> measured, as written by <c>--json</c>.</summary>
/// <param name="Machine">The machine and runtime, in words.</param>
/// <param name="Storage">The grain storage used.</param>
/// <param name="Corpus">Where the memory texts and questions come from.</param>
/// <param name="QuestionCount">How many distinct questions were asked (cyclically).</param>
/// <param name="Sizes">One entry per memory count.</param>
public sealed record SearchLatencyReport(
    [property: JsonPropertyName("machine")] string Machine,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("corpus")] string Corpus,
    [property: JsonPropertyName("questions")] int QuestionCount,
    [property: JsonPropertyName("sizes")] IReadOnlyList<SizeReport> Sizes);
