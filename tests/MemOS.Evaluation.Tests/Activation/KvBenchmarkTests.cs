using System.Text.Json.Nodes;
using MemOS.Bench.Activation;
using MemOS.Inference.Gguf;
using MemOS.Inference.Llama;

namespace MemOS.Evaluation.Tests.Activation;

/// <summary>The KV benchmark end to end on a tiny synthetic model (shape of the result, not its timings).</summary>
public sealed class KvBenchmarkTests
{
    [Fact]
    public void Run_OnATinyModel_GivesEveryCaseWithIdenticalOutput_AsTheDocumentedJson()
    {
        Assert.SkipWhen(LlamaLibrary.FindLibraryDirectory() is null,
            $"llama.cpp native libraries not installed ({LlamaLibrary.PackageRelativePath}): run `./memos install`.");
        var directory = Directory.CreateTempSubdirectory("memos-bench-test-");
        try
        {
            var model = SyntheticLlamaModel.GetOrCreate(SyntheticLlamaConfig.Tiny, directory.FullName);
            var lines = new List<string>();
            var benchmark = new KvBenchmark(
                new KvBenchmarkOptions
                {
                    ModelPath = model, MemoryTokens = [40, 90], QueryTokens = [8], Repeats = 2, GeneratedTokens = 8,
                    BatchRequests = 4, BatchRequestTokens = 8, BatchRepeats = 1, Threads = 1,
                },
                new SyncProgress(lines.Add));
            var result = benchmark.Run(TestContext.Current.CancellationToken);

            Assert.Equal([(40, 8), (90, 8)], result.Cases.Select(c => (c.MemoryTokens, c.QueryTokens)));
            Assert.All(result.Cases, c =>
            {
                Assert.True(c.IdenticalOutput);
                Assert.True(c.TtftPlainMilliseconds > 0 && c.TtftKvMilliseconds > 0 && c.RestoreMilliseconds <= c.TtftKvMilliseconds);
            });
            Assert.Equal(["memory_40", "memory_90", "batch_4x8_one_by_one", "batch_4x8_batched"], result.PrecomputeMilliseconds.Keys);
            Assert.True(result.BatchSpeedup > 0);
            Assert.NotEmpty(lines);

            var json = JsonNode.Parse(result.ToJson())!.AsObject();
            Assert.Equal(["cases", "precompute_ms", "batch_speedup", "model"], json.Select(p => p.Key));
            var first = json["cases"]![0]!.AsObject();
            Assert.Equal(["memory_tokens", "query_tokens", "ttft_plain_ms", "ttft_kv_ms", "reduction", "identical_output"], first.Select(p => p.Key));
            Assert.True(first["identical_output"]!.GetValue<bool>());
            Assert.Equal(40, first["memory_tokens"]!.GetValue<int>());
            Assert.InRange(first["reduction"]!.GetValue<double>(), double.MinValue, 1);
            Assert.Equal(SyntheticLlamaConfig.Tiny.ParameterCount, json["model"]!["parameters"]!.GetValue<long>());
            Assert.False(json["model"]!["synthetic"]!.GetValue<bool>()); // a file was given
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Options_OutOfRange_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new KvBenchmark(new KvBenchmarkOptions { MemoryTokens = [] }));
        Assert.Throws<ArgumentException>(() => new KvBenchmark(new KvBenchmarkOptions { QueryTokens = [0] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvBenchmark(new KvBenchmarkOptions { Repeats = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvBenchmark(new KvBenchmarkOptions { BatchRequests = 257 }));
    }

    [Fact]
    public void Median_OfOddAndEvenCounts()
    {
        Assert.Equal(3, KvBenchmark.Median([5, 1, 3]));
        Assert.Equal(2.5, KvBenchmark.Median([4, 1, 3, 2]));
        Assert.Throws<ArgumentException>(() => KvBenchmark.Median([]));
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
