using System.Text.Json.Serialization;

namespace MemOS.Benchmarks.Vectors;

/// <summary>Source-generated JSON metadata of the <c>scan-throughput</c> report.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<ScanCaseReport>))]
public sealed partial class ScanThroughputJsonContext : JsonSerializerContext;
