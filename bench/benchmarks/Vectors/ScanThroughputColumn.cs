using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MemOS.Benchmarks.Vectors;

/// <summary>Columns of a scan benchmark with <c>Rows</c> and <c>Dimension</c> parameters, from its median time:
/// rows scanned per second, GB/s of vector data read (rows x dimension x 4 bytes per operation, 10^9 bytes per GB),
/// and that bandwidth as a share of the baseline's (the same-size read-bandwidth probe in the same run).</summary>
/// <param name="kind">Which figure the column shows.</param>
public sealed class ScanThroughputColumn(ScanThroughputColumn.Figure kind) : IColumn
{
    /// <summary>The figure a column shows.</summary>
    public enum Figure
    {
        /// <summary>Millions of rows per second.</summary>
        RowsPerSecond,

        /// <summary>GB/s of vector data.</summary>
        Bandwidth,

        /// <summary>This benchmark's GB/s over the baseline's.</summary>
        ShareOfBaseline,
    }

    /// <inheritdoc />
    public string Id => nameof(ScanThroughputColumn) + "." + kind;

    /// <inheritdoc />
    public string ColumnName => kind switch
    {
        Figure.RowsPerSecond => "Mrows/s",
        Figure.Bandwidth => "GB/s",
        _ => "BW share",
    };

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => (int)kind;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => kind switch
    {
        Figure.RowsPerSecond => "Rows scanned per second (millions), from the median",
        Figure.Bandwidth => "Vector data read per second (rows x dimension x 4 bytes, GB = 10^9 bytes), from the median",
        _ => "GB/s over the baseline's GB/s (same rows and dimension, same run): the share of the read-bandwidth bound",
    };

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (BytesPerSecond(summary, benchmarkCase) is not { } bytesPerSecond)
        {
            return "NA";
        }

        switch (kind)
        {
            case Figure.RowsPerSecond:
                var rowBytes = 4.0 * Convert.ToInt32(benchmarkCase.Parameters["Dimension"], CultureInfo.InvariantCulture);
                return (bytesPerSecond / rowBytes / 1e6).ToString("F1", CultureInfo.InvariantCulture);
            case Figure.Bandwidth:
                return (bytesPerSecond / 1e9).ToString("F2", CultureInfo.InvariantCulture);
            default:
                var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
                return baseline is not null && BytesPerSecond(summary, baseline) is { } baselineBytesPerSecond
                    ? (bytesPerSecond / baselineBytesPerSecond).ToString("F2", CultureInfo.InvariantCulture)
                    : "NA";
        }
    }

    /// <inheritdoc />
    public override string ToString() => ColumnName;

    private static double? BytesPerSecond(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } statistics || statistics.Median <= 0)
        {
            return null;
        }

        var rows = Convert.ToInt64(benchmarkCase.Parameters["Rows"], CultureInfo.InvariantCulture);
        var dimension = Convert.ToInt64(benchmarkCase.Parameters["Dimension"], CultureInfo.InvariantCulture);
        return rows * dimension * 4.0 / (statistics.Median * 1e-9);
    }
}
