using System.Text.Json;
using System.Text.Json.Nodes;
using MemOS.Bench.Parameter;

namespace MemOS.Evaluation.Tests.Parameter;

/// <summary>The JSON <c>memos bench lora</c> writes.</summary>
public sealed class LoraBenchmarkResultTests
{
    [Fact]
    public void ToJson_HasTheIssuesShape_AndTheAcceptanceChecks()
    {
        var sets = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["a"] = new Dictionary<string, double> { ["fused_retention"] = 0.9 },
            ["b"] = new Dictionary<string, double> { ["fused_retention"] = 0.75 },
        };
        var result = new LoraBenchmarkResult(4, 2, 2.4, 1, 1.05, 1.02, 3.456, 8, 16, sets,
            new Dictionary<string, JsonNode?> { ["model"] = "m.gguf" });
        using var json = JsonDocument.Parse(result.ToJson());
        var root = json.RootElement;

        Assert.Equal((4.0, 2.0, 2.4), (root.GetProperty("memory_nll").GetProperty("base").GetDouble(),
            root.GetProperty("memory_nll").GetProperty("adapter").GetDouble(), root.GetProperty("memory_nll").GetProperty("fused").GetDouble()));
        Assert.Equal((1.0, 1.05, 1.02), (root.GetProperty("reference_nll").GetProperty("base").GetDouble(),
            root.GetProperty("reference_nll").GetProperty("adapter").GetDouble(), root.GetProperty("reference_nll").GetProperty("fused").GetDouble()));
        Assert.Equal(3.46, root.GetProperty("train_s").GetDouble());
        Assert.Equal(8, root.GetProperty("rank").GetInt32());
        Assert.Equal(0.5, root.GetProperty("memory_reduction").GetDouble());
        Assert.Equal(0.05, root.GetProperty("reference_increase").GetDouble(), 6);
        Assert.Equal(0.75, root.GetProperty("fused_retention").GetDouble());
        var acceptance = root.GetProperty("acceptance");
        Assert.True(acceptance.GetProperty("memory_reduction_at_least_0.30").GetBoolean());
        Assert.True(acceptance.GetProperty("reference_increase_below_0.10").GetBoolean());
        Assert.False(acceptance.GetProperty("fused_retention_at_least_0.80").GetBoolean());
        Assert.Equal("m.gguf", root.GetProperty("settings").GetProperty("model").GetString());
    }
}
