using System.Text.Json.Serialization;

namespace MemOS.Benchmarks.Vectors;

/// <summary>One case of <c>scan-throughput</c>.</summary>
/// <param name="Rows">Indexed vectors.</param>
/// <param name="Dimension">Components per vector.</param>
/// <param name="Bytes">Vector data one scan reads (rows x dimension x 4).</param>
/// <param name="Rounds">Interleaved rounds timed.</param>
/// <param name="Variants">The read-bandwidth probe, the reference scans and the index.</param>
public sealed record ScanCaseReport(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("dimension")] int Dimension,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("rounds")] int Rounds,
    [property: JsonPropertyName("variants")] IReadOnlyList<ScanVariantReport> Variants);
