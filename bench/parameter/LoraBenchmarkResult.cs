using System.Text.Json;
using System.Text.Json.Nodes;

namespace MemOS.Bench.Parameter;

/// <summary>What <see cref="LoraBenchmark.Run"/> measured: mean per-token negative log-likelihoods (nats) computed from
/// llama.cpp's logits with the adapters applied at run time.</summary>
/// <param name="MemoryBase">The memory texts (both sets) under the base model.</param>
/// <param name="MemoryAdapter">Each memory set under the adapter trained on it (token-weighted over both sets).</param>
/// <param name="MemoryFused">The memory texts under the fused adapter.</param>
/// <param name="ReferenceBase">The reference text under the base model.</param>
/// <param name="ReferenceAdapter">The reference text under each adapter, averaged over the two.</param>
/// <param name="ReferenceFused">The reference text under the fused adapter.</param>
/// <param name="TrainSeconds">The time to train both adapters.</param>
/// <param name="Rank">The rank of each trained adapter.</param>
/// <param name="FusedRank">The rank of the fused adapter.</param>
/// <param name="Sets">Per memory set (<c>a</c>, <c>b</c>): base, own adapter, other adapter, fused NLL, the share of
/// the adapter's reduction the fused adapter keeps, the reference NLL under the adapter, its training loss and seconds.</param>
/// <param name="Settings">The training settings and data sizes.</param>
public sealed record LoraBenchmarkResult(
    double MemoryBase, double MemoryAdapter, double MemoryFused,
    double ReferenceBase, double ReferenceAdapter, double ReferenceFused,
    double TrainSeconds, int Rank, int FusedRank,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Sets,
    IReadOnlyDictionary<string, JsonNode?> Settings)
{
    /// <summary>The memory NLL reduction with the adapter: <c>1 − adapter/base</c>.</summary>
    public double MemoryReduction => 1 - (MemoryAdapter / MemoryBase);

    /// <summary>The reference NLL increase with the adapter: <c>adapter/base − 1</c>.</summary>
    public double ReferenceIncrease => (ReferenceAdapter / ReferenceBase) - 1;

    /// <summary>The smallest share, over the two sets, of an adapter's memory NLL reduction the fused adapter keeps.</summary>
    public double FusedRetention => Sets.Values.Min(s => s["fused_retention"]);

    /// <summary>The result as JSON: <c>{"memory_nll": {"base", "adapter", "fused"}, "reference_nll": {"base",
    /// "adapter", "fused"}, "train_s", "rank"}</c>, then <c>fused_rank</c>, <c>memory_reduction</c>,
    /// <c>reference_increase</c>, <c>fused_retention</c>, <c>acceptance</c> (the three targets), <c>sets</c>
    /// and <c>settings</c>. NLLs rounded to 1e-4, seconds to 0.01.</summary>
    /// <returns>The JSON text, indented.</returns>
    public string ToJson()
    {
        var sets = new JsonObject();
        foreach (var (name, values) in Sets)
        {
            var set = new JsonObject();
            foreach (var (key, value) in values)
            {
                set[key] = Math.Round(value, 4);
            }

            sets[name] = set;
        }

        var settings = new JsonObject();
        foreach (var (key, value) in Settings)
        {
            settings[key] = value?.DeepClone();
        }

        var root = new JsonObject
        {
            ["memory_nll"] = new JsonObject { ["base"] = Math.Round(MemoryBase, 4), ["adapter"] = Math.Round(MemoryAdapter, 4), ["fused"] = Math.Round(MemoryFused, 4) },
            ["reference_nll"] = new JsonObject { ["base"] = Math.Round(ReferenceBase, 4), ["adapter"] = Math.Round(ReferenceAdapter, 4), ["fused"] = Math.Round(ReferenceFused, 4) },
            ["train_s"] = Math.Round(TrainSeconds, 2),
            ["rank"] = Rank,
            ["fused_rank"] = FusedRank,
            ["memory_reduction"] = Math.Round(MemoryReduction, 4),
            ["reference_increase"] = Math.Round(ReferenceIncrease, 4),
            ["fused_retention"] = Math.Round(FusedRetention, 4),
            ["acceptance"] = new JsonObject
            {
                ["memory_reduction_at_least_0.30"] = MemoryReduction >= 0.30,
                ["reference_increase_below_0.10"] = ReferenceIncrease < 0.10,
                ["fused_retention_at_least_0.80"] = FusedRetention >= 0.80,
            },
            ["sets"] = sets,
            ["settings"] = settings,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
