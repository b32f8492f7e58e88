using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using MemOS.Evaluation;
using MemOS.Grains.Retrieval.Vectors;

namespace MemOS.Benchmarks.Vectors;

/// <summary>The exact-scan kernel against the read-bandwidth bound, interleaved (<c>scan-throughput</c>): the same
/// cases as <see cref="ExactScanBenchmarks"/>, but every round runs each variant once, in rotating order, in one
/// process, so that the bandwidth probe and the kernels share whatever else the machine is doing at that moment.
/// Times are nearest-rank medians; ratios are medians over rounds of the paired ratio (probe time / variant time in
/// the same round).</summary>
/// <remarks>Each variant reads its own copy of the vectors. On a quiet machine BenchmarkDotNet's numbers are the
/// better ones; on a shared one its cases run minutes apart in separate processes, and a kernel can seem faster than
/// the bandwidth probe it is compared with.</remarks>
public static class ScanThroughputHarness
{
    private const string Usage = "scan-throughput [--rows 10000,100000,1000000] [--dims 100,384] [--seconds 6] [--json <out.json>]";

    private static readonly (string Name, Func<Case, float[], float> Run)[] Variants =
    [
        ("read-bandwidth", (c, _) => TensorPrimitives.Sum(c.ProbeCopy)),
        ("scalar-top10", (c, q) => ScanData.ScalarTop(c.ScalarCopy, q, 10)),
        ("simd-dot-top10", (c, q) => ScanData.SimdDotTop(c.Matrix, q, 10)),
        ("index-top10", (c, q) => c.Plain.Search(q, 10).Count),
        ("index-top300-ccr", (c, q) => c.WithCommonComponent.Search(q, 300).Count),
        ("index-top300-ccr-filter", (c, q) => c.WithCommonComponent.Search(q, 300, c.Filter).Count),
    ];

    /// <summary>Runs the harness and prints the figures.</summary>
    /// <param name="args">The arguments after <c>scan-throughput</c>.</param>
    /// <returns>The exit code: 0, or 2 for bad arguments.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var rows = new[] { 10_000, 100_000, 1_000_000 };
        var dimensions = new[] { 100, 384 };
        var seconds = 6.0;
        string? json = null;
        try
        {
            for (var i = 0; i < args.Count; i += 2)
            {
                var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--rows":
                        rows = Numbers(value);
                        break;
                    case "--dims":
                        dimensions = Numbers(value);
                        break;
                    case "--seconds":
                        seconds = Numbers(value)[0];
                        break;
                    case "--json":
                        json = value;
                        break;
                    default:
                        throw new ArgumentException($"Unknown argument {args[i]}.");
                }
            }
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync($"{error.Message} Usage: {Usage}");
            return 2;
        }

        WarmUp();
        var reports = new List<ScanCaseReport>();
        foreach (var dimension in dimensions)
        {
            foreach (var count in rows)
            {
                reports.Add(Measure(count, dimension, seconds));
                GC.Collect();
            }
        }

        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(reports, ScanThroughputJsonContext.Default.ListScanCaseReport));
            Console.WriteLine($"Wrote {json}");
        }

        return 0;
    }

    /// <summary>Brings every variant's code to its optimized tier on a small case, so that the large cases, of a few
    /// calls each, do not time unoptimized code.</summary>
    private static void WarmUp()
    {
        var small = Case.Create(1_000, 100, new Random(1));
        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var (_, run) in Variants)
            {
                for (var i = 0; i < 50; i++)
                {
                    run(small, small.Queries[i % small.Queries.Length]);
                }
            }

            // Tier-1 code is compiled in the background.
            Thread.Sleep(250);
        }
    }

    private static ScanCaseReport Measure(int rows, int dimension, double seconds)
    {
        var data = Case.Create(rows, dimension, new Random(20_260_301));
        var times = Variants.Select(_ => new List<double>()).ToArray();
        var started = Stopwatch.GetTimestamp();
        for (var round = -2; round < 500 && (round < 7 || Stopwatch.GetElapsedTime(started).TotalSeconds < seconds); round++)
        {
            var query = data.Queries[((round % data.Queries.Length) + data.Queries.Length) % data.Queries.Length];
            for (var j = 0; j < Variants.Length; j++)
            {
                var v = (j + Math.Max(round, 0)) % Variants.Length;
                var t0 = Stopwatch.GetTimestamp();
                Variants[v].Run(data, query);
                var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (round >= 0)
                {
                    times[v].Add(elapsed);
                }
            }
        }

        var bytes = (double)rows * dimension * sizeof(float);
        var results = new List<ScanVariantReport>();
        for (var v = 0; v < Variants.Length; v++)
        {
            var median = Median(times[v]);
            results.Add(new ScanVariantReport(
                Variants[v].Name,
                median,
                rows / median / 1e3,
                bytes / median / 1e6,
                Median(times[0].Zip(times[v], (probe, t) => probe / t)),
                Median(times[1].Zip(times[v], (scalar, t) => scalar / t))));
        }

        var report = new ScanCaseReport(rows, dimension, (long)bytes, times[0].Count, results);
        Print(report);
        return report;
    }

    private static void Print(ScanCaseReport report)
    {
        Console.WriteLine(
            $"{report.Rows:N0} rows x {report.Dimension} ({report.Bytes / 1e6:N0} MB of vectors), {report.Rounds} interleaved rounds");
        Console.WriteLine("  variant                   median ms   Mrows/s    GB/s   BW share   vs scalar");
        foreach (var v in report.Variants)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {v.Name,-23} {v.MedianMilliseconds,11:F3} {v.MillionRowsPerSecond,9:F1} {v.GigabytesPerSecond,7:F2} {v.BandwidthShare,10:F2} {v.SpeedupOverScalar,10:F1}x"));
        }

        Console.WriteLine();
    }

    private static double Median(IEnumerable<double> values) => Percentiles.NearestRank(values, 50);

    private static int[] Numbers(string text)
        => text.Split(',').Select(s => int.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"'{s}' is not a positive whole number.")).ToArray();

    /// <summary>The data of one case: the matrix, eight queries, two indexes over it and a filter admitting half of
    /// the rows. Every variant reads its own copy of the vectors (each index holds one), so that none finds in cache
    /// what the variant before it just read.</summary>
    private sealed record Case(
        float[] Matrix,
        float[] ProbeCopy,
        float[] ScalarCopy,
        float[][] Queries,
        ExactVectorIndex Plain,
        ExactVectorIndex WithCommonComponent,
        Func<string, bool> Filter)
    {
        public static Case Create(int rows, int dimension, Random random)
        {
            var matrix = ScanData.UnitRows(random, rows, dimension);
            var queries = Enumerable.Range(0, 8).Select(_ => ScanData.UnitRows(random, 1, dimension)).ToArray();
            return new Case(
                matrix,
                matrix.ToArray(),
                matrix.ToArray(),
                queries,
                ScanData.Index(matrix, dimension, false),
                ScanData.Index(matrix, dimension, true),
                ScanData.EveryOtherRow(rows));
        }
    }
}
