using System.Text.Json.Serialization;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>Source-generated JSON metadata of the report.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SearchLatencyReport))]
public sealed partial class SearchLatencyJsonContext : JsonSerializerContext;
