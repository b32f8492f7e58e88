using System.Text.Json.Serialization;

namespace MemOS.Benchmarks.Vectors;

/// <summary>One variant of one <c>scan-throughput</c> case.</summary>
/// <param name="Name">The variant.</param>
/// <param name="MedianMilliseconds">The median time of one scan.</param>
/// <param name="MillionRowsPerSecond">Rows per second, in millions, from the median.</param>
/// <param name="GigabytesPerSecond">Vector data read per second (10^9 bytes), from the median.</param>
/// <param name="BandwidthShare">The median over rounds of probe time / this variant's time: the share of the
/// read-bandwidth bound reached.</param>
/// <param name="SpeedupOverScalar">The median over rounds of scalar-scan time / this variant's time.</param>
public sealed record ScanVariantReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("median_ms")] double MedianMilliseconds,
    [property: JsonPropertyName("mrows_per_s")] double MillionRowsPerSecond,
    [property: JsonPropertyName("gb_per_s")] double GigabytesPerSecond,
    [property: JsonPropertyName("bw_share")] double BandwidthShare,
    [property: JsonPropertyName("vs_scalar")] double SpeedupOverScalar);
