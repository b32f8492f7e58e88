using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MemOS.Bench.Activation;

/// <summary>What <see cref="KvBenchmark.Run"/> measured.</summary>
/// <param name="Cases">The time-to-first-token cases.</param>
/// <param name="PrecomputeMilliseconds">Median one-time costs: <c>memory_&lt;n&gt;</c> (prefill n tokens, save the
/// state, write it to the store) and the batching measure's two modes, <c>batch_&lt;requests&gt;x&lt;tokens&gt;_one_by_one</c>
/// and <c>..._batched</c>.</param>
/// <param name="BatchSpeedup">One-by-one time over batched time for the batching measure.</param>
/// <param name="Model">Facts about the model and the run (name, file, hash, shape, whether its weights are random,
/// threads, repeats).</param>
public sealed record KvBenchmarkResult(
    IReadOnlyList<KvBenchmarkCase> Cases, IReadOnlyDictionary<string, double> PrecomputeMilliseconds, double BatchSpeedup,
    IReadOnlyDictionary<string, object> Model)
{
    /// <summary>The result as JSON: <c>{"cases": [{"memory_tokens", "query_tokens", "ttft_plain_ms", "ttft_kv_ms",
    /// "reduction", "identical_output"}], "precompute_ms": {...}, "batch_speedup", "model": {...}}</c>; milliseconds
    /// rounded to 0.1, the reduction to 0.001, the speedup to 0.01.</summary>
    /// <returns>The JSON text, indented.</returns>
    public string ToJson()
    {
        var cases = new JsonArray();
        foreach (var c in Cases)
        {
            cases.Add(new JsonObject
            {
                ["memory_tokens"] = c.MemoryTokens,
                ["query_tokens"] = c.QueryTokens,
                ["ttft_plain_ms"] = Math.Round(c.TtftPlainMilliseconds, 1),
                ["ttft_kv_ms"] = Math.Round(c.TtftKvMilliseconds, 1),
                ["reduction"] = Math.Round(c.Reduction, 3),
                ["identical_output"] = c.IdenticalOutput,
            });
        }

        var precompute = new JsonObject();
        foreach (var (name, value) in PrecomputeMilliseconds)
        {
            precompute[name] = Math.Round(value, 1);
        }

        var model = new JsonObject();
        foreach (var (name, value) in Model)
        {
            model[name] = value switch
            {
                string s => s,
                bool b => b,
                int i => i,
                long l => l,
                double d => d,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
        }

        var root = new JsonObject
        {
            ["cases"] = cases,
            ["precompute_ms"] = precompute,
            ["batch_speedup"] = Math.Round(BatchSpeedup, 2),
            ["model"] = model,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
