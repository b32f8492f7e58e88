using System.Globalization;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>The settings of <c>search-latency</c>, from its command line.</summary>
/// <param name="Sizes">The memory counts to measure at, ascending (one user grows through them).</param>
/// <param name="Searches">Timed searches per configuration and size.</param>
/// <param name="Warmup">Untimed searches per configuration before timing.</param>
/// <param name="Corpus"><c>synthetic</c> or <c>locomo</c>.</param>
/// <param name="LoCoMoPath">The LoCoMo file, or null for the default location.</param>
/// <param name="JsonPath">Where to write the report as JSON, or null.</param>
public sealed record SearchLatencyOptions(
    IReadOnlyList<int> Sizes, int Searches, int Warmup, string Corpus, string? LoCoMoPath, string? JsonPath)
{
    /// <summary>The usage text.</summary>
    public const string Usage =
        "search-latency [--sizes 10000,100000] [--searches 300] [--warmup 30] [--corpus synthetic|locomo] " +
        "[--locomo <locomo10-dev.json>] [--json <out.json>]";

    /// <summary>Parses the arguments after <c>search-latency</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An argument is unknown, lacks its value or is out of range.</exception>
    public static SearchLatencyOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SearchLatencyOptions([10_000, 100_000], 300, 30, "synthetic", null, null);
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. Usage: {Usage}");
            options = args[i] switch
            {
                "--sizes" => options with
                {
                    Sizes = value.Split(',').Select(s => Positive(s.Replace("_", "", StringComparison.Ordinal), "--sizes")).Order().ToList(),
                },
                "--searches" => options with { Searches = Positive(value, "--searches") },
                "--warmup" => options with { Warmup = Positive(value, "--warmup") },
                "--corpus" when value is "synthetic" or "locomo" => options with { Corpus = value },
                "--locomo" => options with { Corpus = "locomo", LoCoMoPath = value },
                "--json" => options with { JsonPath = value },
                _ => throw new ArgumentException($"Unknown argument {args[i]} {value}. Usage: {Usage}"),
            };
            i++;
        }

        return options;
    }

    private static int Positive(string text, string name)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} takes positive whole numbers (got '{text}'). Usage: {Usage}");
}
