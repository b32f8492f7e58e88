using System.Text.Json.Serialization;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>The figures at one memory count.</summary>
/// <param name="Memories">Memories the user holds (activated MemCubes, read back from storage).</param>
/// <param name="Messages">Messages added to reach them.</param>
/// <param name="IngestSeconds">Wall-clock seconds of the adds that grew the user to this size (from the previous size).</param>
/// <param name="IngestedMemories">Memories those adds created.</param>
/// <param name="FirstSearchMilliseconds">The first search after the adds (it recomputes the common component).</param>
/// <param name="Searches">End-to-end search latency through the grain, per configuration.</param>
/// <param name="Parts">The parts of a search timed alone on the same data (median of each), as a breakdown.</param>
public sealed record SizeReport(
    [property: JsonPropertyName("memories")] int Memories,
    [property: JsonPropertyName("messages")] int Messages,
    [property: JsonPropertyName("ingest_s")] double IngestSeconds,
    [property: JsonPropertyName("ingested_memories")] int IngestedMemories,
    [property: JsonPropertyName("first_search_ms")] double FirstSearchMilliseconds,
    [property: JsonPropertyName("searches")] IReadOnlyDictionary<string, LatencySummary> Searches,
    [property: JsonPropertyName("parts")] IReadOnlyDictionary<string, LatencySummary> Parts);
