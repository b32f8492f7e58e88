using System.Diagnostics;
using MemOS.Inference.Gguf;
using MemOS.Inference.KvCache;
using MemOS.Inference.Llama;

namespace MemOS.Bench.Activation;

/// <summary>
/// The activation-memory benchmark (<c>memos bench kv</c>): time to first token with and without KV injection, the
/// one-time precompute cost, and the gain of batching precompute requests as one multi-sequence decode.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Plain: clear the context, prefill memory + query, sample the first token (greedy).</item>
/// <item>KV: clear the context, read the memory's cache from a <see cref="KvCacheStore"/> (a local directory: the
/// file is in the page cache after the precompute), restore it, prefill the query only, sample the first token.</item>
/// <item>Both modes run in one context, alternating (plain first on even runs, KV first on odd ones) after one warm-up
/// run each, <see cref="KvBenchmarkOptions.Repeats"/> times; medians are reported, because the machine's other load
/// makes single runs noisy.</item>
/// <item>Identical output: <see cref="KvBenchmarkOptions.GeneratedTokens"/> greedy tokens with and without injection,
/// compared token for token.</item>
/// <item>Precompute: prefill the memory alone, save its state, write it to the store (median of up to 3 runs).</item>
/// <item>Batching: <see cref="KvBenchmarkOptions.BatchRequests"/> requests of <see cref="KvBenchmarkOptions.BatchRequestTokens"/>
/// tokens computed to saved states (not written) by a <see cref="KvCachePrecomputer"/> one at a time and all in one
/// multi-sequence batch, alternating, <see cref="KvBenchmarkOptions.BatchRepeats"/> times each after a warm-up.</item>
/// </list>
/// Without a model file it uses <see cref="SyntheticLlamaConfig.Default100M"/> (random weights: the timings are those
/// of a real model of that shape, the generated tokens mean nothing) and random token ids; with a real model,
/// repeated story text.
/// </remarks>
public sealed class KvBenchmark
{
    /// <summary>The template name of the memory caches it stores.</summary>
    public const string Template = "memos-bench/memory/v1";

    private const int BatchTokens = 2048;
    private const int MicroBatchTokens = 512;

    private readonly KvBenchmarkOptions _options;
    private readonly IProgress<string>? _progress;

    /// <summary>Creates the benchmark.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="progress">Receives a line per step, for a person watching; none when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public KvBenchmark(KvBenchmarkOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _progress = progress;
    }

    /// <summary>Runs every measure (minutes on a 2-core machine with the synthetic model).</summary>
    /// <param name="cancellationToken">Stops between runs.</param>
    /// <returns>The measures.</returns>
    /// <exception cref="LlamaException">The native libraries or the model are missing or unusable (the message says
    /// how to install them), or a decode failed.</exception>
    /// <exception cref="ArgumentException">A memory plus query is longer than the model's context.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="IOException">The synthetic model or the store could not be written.</exception>
    public KvBenchmarkResult Run(CancellationToken cancellationToken = default)
    {
        var o = _options;
        LlamaLibrary.Initialize();
        var synthetic = o.ModelPath is null;
        string path;
        if (synthetic)
        {
            Report($"synthetic model {SyntheticLlamaModel.FileName(SyntheticLlamaConfig.Default100M)} in {Path.GetFullPath(o.ModelCacheDirectory)} (written once)");
            path = SyntheticLlamaModel.GetOrCreate(SyntheticLlamaConfig.Default100M, o.ModelCacheDirectory);
        }
        else
        {
            path = o.ModelPath!;
        }

        using var model = LlamaModel.Load(path);
        var threads = o.Threads == 0 ? Environment.ProcessorCount : o.Threads;
        var tokens = new BenchTokens(model, synthetic, o.Seed);
        var storeDirectory = Directory.CreateTempSubdirectory("memos-bench-kv-");
        try
        {
            var store = new KvCacheStore(new KvCacheStoreOptions { Directory = storeDirectory.FullName, MaxBytes = long.MaxValue / 2 });
            var precompute = new OrderedDictionary<string, double>(StringComparer.Ordinal);
            var (cases, bytesPerToken) = MeasureCases(model, store, tokens, threads, precompute, cancellationToken);
            var speedup = MeasureBatching(model, tokens, threads, precompute, cancellationToken);
            return new KvBenchmarkResult(cases, precompute, speedup, Describe(model, path, synthetic, threads, bytesPerToken));
        }
        finally
        {
            storeDirectory.Delete(recursive: true);
        }
    }

    private (List<KvBenchmarkCase> Cases, long BytesPerToken) MeasureCases(
        LlamaModel model, KvCacheStore store, BenchTokens tokens, int threads, OrderedDictionary<string, double> precompute,
        CancellationToken cancellationToken)
    {
        var o = _options;
        using var context = model.CreateContext(new LlamaContextOptions
        {
            ContextTokens = o.MemoryTokens.Max() + o.QueryTokens.Max() + o.GeneratedTokens,
            BatchTokens = BatchTokens,
            MicroBatchTokens = MicroBatchTokens,
            Threads = threads,
        });
        using var sampler = LlamaSampler.CreateGreedy();
        var memories = new Dictionary<int, (int[] Tokens, KvCacheKey Key)>();
        long bytesPerToken = 0;
        foreach (var memoryTokens in o.MemoryTokens.Distinct())
        {
            var memory = tokens.Memory(memoryTokens);
            var key = new KvCacheKey(model.Sha256, Template, memory);
            var times = new List<double>();
            for (var run = 0; run < Math.Min(o.Repeats, 3); run++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                context.ClearMemory();
                var started = Stopwatch.GetTimestamp();
                context.Prefill(memory, outputLast: false);
                var state = context.SaveSequenceState(0);
                store.Put(key, state);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                bytesPerToken = state.Length / memoryTokens;
            }

            precompute[$"memory_{memoryTokens}"] = Median(times);
            memories[memoryTokens] = (memory, key);
            Report($"precompute {memoryTokens} tokens: {Median(times):F0} ms, {store.TryGetEntry(key)!.SizeBytes / 1e6:F1} MB");
        }

        var cases = new List<KvBenchmarkCase>();
        foreach (var memoryTokens in o.MemoryTokens)
        {
            foreach (var queryTokens in o.QueryTokens)
            {
                var (memory, key) = memories[memoryTokens];
                var query = tokens.Query(queryTokens);
                int[] whole = [.. memory, .. query];
                double Plain()
                {
                    context.ClearMemory();
                    var started = Stopwatch.GetTimestamp();
                    context.Generate(whole, sampler, 1);
                    return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                (double Total, double Restore) Kv()
                {
                    context.ClearMemory();
                    var started = Stopwatch.GetTimestamp();
                    _ = store.TryRestore(key, context) ?? throw new InvalidOperationException($"The store lost the cache {key}.");
                    var restored = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    context.Generate(query, sampler, 1);
                    return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, restored);
                }

                Plain();
                Kv();
                var plain = new List<double>();
                var kv = new List<double>();
                var restore = new List<double>();
                for (var run = 0; run < o.Repeats; run++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    (double Total, double Restore) k;
                    if (run % 2 == 0)
                    {
                        plain.Add(Plain());
                        k = Kv();
                    }
                    else
                    {
                        k = Kv();
                        plain.Add(Plain());
                    }

                    kv.Add(k.Total);
                    restore.Add(k.Restore);
                }

                context.ClearMemory();
                var expected = context.Generate(whole, sampler, o.GeneratedTokens, stopAtEndOfGeneration: false).Tokens;
                context.ClearMemory();
                store.TryRestore(key, context);
                var injected = context.Generate(query, sampler, o.GeneratedTokens, stopAtEndOfGeneration: false).Tokens;
                var result = new KvBenchmarkCase(
                    memoryTokens, queryTokens, Median(plain), Median(kv), Median(restore), expected.SequenceEqual(injected));
                cases.Add(result);
                Report($"memory {memoryTokens} + query {queryTokens}: plain {result.TtftPlainMilliseconds:F0} ms, kv " +
                       $"{result.TtftKvMilliseconds:F0} ms (restore {result.RestoreMilliseconds:F0} ms), reduction " +
                       $"{result.Reduction:P1}, identical output {result.IdenticalOutput}");
            }
        }

        return (cases, bytesPerToken);
    }

    private double MeasureBatching(
        LlamaModel model, BenchTokens tokens, int threads, OrderedDictionary<string, double> precompute, CancellationToken cancellationToken)
    {
        var o = _options;
        var requests = Enumerable.Range(0, o.BatchRequests).Select(i => (ReadOnlyMemory<int>)tokens.Request(o.BatchRequestTokens, i)).ToArray();
        var options = new KvCachePrecomputeOptions
        {
            MaxTokensPerRequest = o.BatchRequestTokens, BatchTokens = BatchTokens, MicroBatchTokens = MicroBatchTokens, Threads = threads,
        };
        using var oneByOne = new KvCachePrecomputer(model, options with { MaxBatch = 1 });
        using var batched = new KvCachePrecomputer(model, options with { MaxBatch = o.BatchRequests });
        double Time(KvCachePrecomputer precomputer, ReadOnlyMemory<int>[] prompts)
        {
            var started = Stopwatch.GetTimestamp();
            precomputer.ComputeStates(prompts);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        var warmUp = requests[..Math.Min(requests.Length, 8)];
        Time(oneByOne, warmUp);
        Time(batched, warmUp);
        var single = new List<double>();
        var together = new List<double>();
        for (var run = 0; run < o.BatchRepeats; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (run % 2 == 0)
            {
                single.Add(Time(oneByOne, requests));
                together.Add(Time(batched, requests));
            }
            else
            {
                together.Add(Time(batched, requests));
                single.Add(Time(oneByOne, requests));
            }
        }

        var name = $"batch_{o.BatchRequests}x{o.BatchRequestTokens}";
        precompute[$"{name}_one_by_one"] = Median(single);
        precompute[$"{name}_batched"] = Median(together);
        var speedup = Median(single) / Median(together);
        Report($"batching {o.BatchRequests} requests of {o.BatchRequestTokens} tokens: one by one {Median(single):F0} ms, " +
               $"batched {Median(together):F0} ms, speedup {speedup:F2}x");
        return speedup;
    }

    private Dictionary<string, object> Describe(LlamaModel model, string path, bool synthetic, int threads, long bytesPerToken)
    {
        var o = _options;
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["name"] = model.GetMetadata("general.name") ?? Path.GetFileNameWithoutExtension(path),
            ["file"] = Path.GetFullPath(path),
            ["sha256"] = model.Sha256,
            ["synthetic"] = synthetic,
            ["weights"] = synthetic
                ? $"random (seed {SyntheticLlamaConfig.Default100M.Seed}): timing only, the generated tokens mean nothing; prefill cost does not depend on weight values"
                : "trained (from the file)",
            ["architecture"] = model.Architecture,
            ["parameters"] = model.ParameterCount,
            ["size_bytes"] = model.SizeBytes,
            ["n_embd"] = model.EmbeddingDimension,
            ["n_layer"] = model.LayerCount,
            ["vocab"] = model.VocabularySize,
            ["n_ctx_train"] = model.TrainingContextTokens,
            ["kv_state_bytes_per_token"] = bytesPerToken,
            ["tokens"] = synthetic ? $"random ids (seed {o.Seed})" : "repeated story text",
            ["runtime"] = $"llama.cpp from npm @node-llama-cpp/linux-x64@3.22.1, CPU, {threads} threads, n_batch {BatchTokens}, n_ubatch {MicroBatchTokens}",
            ["threads"] = threads,
            ["repeats"] = o.Repeats,
            ["batch_repeats"] = o.BatchRepeats,
            ["generated_tokens"] = o.GeneratedTokens,
        };
    }

    private void Report(string line) => _progress?.Report(line);

    internal static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("At least one value is needed.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
