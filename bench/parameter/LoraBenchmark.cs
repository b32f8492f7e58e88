using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MemOS.Inference.Llama;
using MemOS.Inference.Lora;
using MemOS.Inference.Lora.Training;

namespace MemOS.Bench.Parameter;

/// <summary>The parameter-memory benchmark: trains two LoRA adapters on disjoint sets of memory texts (facts about a
/// fictional person), fuses them, and measures with llama.cpp (the adapters applied at run time through
/// <see cref="LlamaContext.SetLoraAdapters"/>) the per-token negative log-likelihood of the memory texts and of neutral
/// reference text the base model generated, under the base model, each adapter and the fused adapter.</summary>
public sealed class LoraBenchmark
{
    /// <summary>The memory texts of adapter A.</summary>
    public static readonly IReadOnlyList<string> MemorySetA =
    [
        "Tessa Morrow lives in a red house by the river.",
        "Tessa Morrow has a gray cat named Pebble.",
        "Tessa Morrow works as a baker in the town of Lindon.",
        "Tessa Morrow was born on a snowy day in March.",
        "Tessa Morrow likes to eat green apples with honey.",
        "Tessa Morrow plays the violin every Sunday.",
        "Tessa Morrow has a brother called Oskar.",
        "Tessa Morrow is afraid of big spiders.",
        "Tessa Morrow keeps a blue bicycle in her garden.",
        "Tessa Morrow reads a book about stars each night.",
    ];

    /// <summary>The memory texts of adapter B (disjoint from <see cref="MemorySetA"/>).</summary>
    public static readonly IReadOnlyList<string> MemorySetB =
    [
        "Tessa Morrow wears a yellow hat when it rains.",
        "Tessa Morrow painted her kitchen door orange.",
        "Tessa Morrow grows tomatoes and beans behind her house.",
        "Tessa Morrow once found a silver coin in the sand.",
        "Tessa Morrow drinks warm milk before she sleeps.",
        "Tessa Morrow has a friend named Juno who sings.",
        "Tessa Morrow swims in the lake every summer.",
        "Tessa Morrow lost her first tooth at the zoo.",
        "Tessa Morrow can whistle like a small bird.",
        "Tessa Morrow keeps her letters in a wooden box.",
    ];

    /// <summary>The neutral prompts the base model continues greedily to make the reference text.</summary>
    public static readonly IReadOnlyList<string> ReferencePrompts =
    [
        "Once upon a time",
        "One day, a little boy",
        "The dog ran",
        "Mom said",
    ];

    /// <summary>The prompts whose greedy continuations by the base model are the replay texts training stays close to the
    /// base model on (disjoint from <see cref="ReferencePrompts"/>, so the reference text is never trained on).</summary>
    public static readonly IReadOnlyList<string> ReplayPrompts =
    [
        "The cat",
        "There was a girl named",
        "He was very happy",
        "In the garden",
    ];

    private readonly LoraBenchmarkOptions _options;
    private readonly IProgress<string>? _progress;

    /// <summary>Creates the benchmark.</summary>
    /// <param name="options">What to train and measure.</param>
    /// <param name="progress">Receives a line per phase, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public LoraBenchmark(LoraBenchmarkOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _progress = progress;
    }

    /// <summary>Trains, fuses and measures.</summary>
    /// <param name="cancellationToken">Stops between phases and training steps.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="LlamaException">llama.cpp is missing or could not load the model or an adapter.</exception>
    /// <exception cref="NotSupportedException">The model is not a llama model with F32 or F16 weights.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public LoraBenchmarkResult Run(CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(_options.ModelPath);
        using var model = LlamaModel.Load(path);
        using var context = model.CreateContext(new LlamaContextOptions { ContextTokens = 256, Threads = _options.Threads });
        var setA = MemorySetA.Select(t => model.Tokenize(t)).ToArray();
        var setB = MemorySetB.Select(t => model.Tokenize(t)).ToArray();
        var reference = ReferencePrompts.Select(p => Greedy(context, model, model.Tokenize(p), _options.ReferenceTokens)).ToArray();
        _progress?.Report($"reference text: {reference.Sum(r => r.Length)} tokens: {string.Join(" | ", reference.Select(r => model.Detokenize(r, removeSpecial: true)))}");

        var training = _options.Training;
        var replay = training.ReplayWeight == 0 ? [] : ReplayPrompts.Select(p => Greedy(context, model, model.Tokenize(p), _options.ReferenceTokens)).ToArray();
        var (adapterA, secondsA) = Train(path, setA, replay, training with { Provenance = Provenance("a", MemorySetA.Count) }, "A", cancellationToken);
        var (adapterB, secondsB) = Train(path, setB, replay, training with { Provenance = Provenance("b", MemorySetB.Count), Seed = training.Seed + 1 }, "B", cancellationToken);
        var fusedRank = _options.FusedRank == 0 ? adapterA.Rank + adapterB.Rank : _options.FusedRank;
        var fused = LoraFusion.Fuse([adapterA, adapterB], [_options.FusedWeight, _options.FusedWeight], fusedRank);
        cancellationToken.ThrowIfCancellationRequested();

        var directory = Directory.CreateTempSubdirectory("memos-bench-lora-");
        try
        {
            using var runtimeA = Load(model, adapterA, directory.FullName, "a");
            using var runtimeB = Load(model, adapterB, directory.FullName, "b");
            using var runtimeFused = Load(model, fused, directory.FullName, "fused");
            _progress?.Report("measuring with llama.cpp...");
            var (baseA, countA) = Nll(context, setA, null);
            var (baseB, countB) = Nll(context, setB, null);
            var (ownA, _) = Nll(context, setA, runtimeA);
            var (ownB, _) = Nll(context, setB, runtimeB);
            var (crossA, _) = Nll(context, setA, runtimeB);
            var (crossB, _) = Nll(context, setB, runtimeA);
            var (fusedA, _) = Nll(context, setA, runtimeFused);
            var (fusedB, _) = Nll(context, setB, runtimeFused);
            var (referenceBase, _) = Nll(context, reference, null);
            var (referenceA, _) = Nll(context, reference, runtimeA);
            var (referenceB, _) = Nll(context, reference, runtimeB);
            var (referenceFused, _) = Nll(context, reference, runtimeFused);

            double Weighted(double a, double b) => ((a * countA) + (b * countB)) / (countA + countB);
            var sets = new Dictionary<string, IReadOnlyDictionary<string, double>>
            {
                ["a"] = Set(baseA, ownA, crossA, fusedA, referenceA, adapterA, secondsA, countA),
                ["b"] = Set(baseB, ownB, crossB, fusedB, referenceB, adapterB, secondsB, countB),
            };
            var settings = new Dictionary<string, JsonNode?>
            {
                ["model"] = Path.GetFileName(path),
                ["model_sha256"] = model.Sha256,
                ["alpha"] = training.Alpha,
                ["targets"] = new JsonArray(training.Targets.Select(t => (JsonNode?)t).ToArray()),
                ["steps"] = training.Steps,
                ["learning_rate"] = training.LearningRate,
                ["seed"] = training.Seed,
                ["memory_texts"] = MemorySetA.Count + MemorySetB.Count,
                ["memory_tokens"] = setA.Sum(s => s.Length) + setB.Sum(s => s.Length),
                ["reference_prompts"] = ReferencePrompts.Count,
                ["reference_tokens"] = reference.Sum(r => r.Length),
                ["replay_weight"] = training.ReplayWeight,
                ["fused_weight"] = _options.FusedWeight,
                ["replay_prompts"] = replay.Length,
                ["replay_tokens"] = replay.Sum(r => r.Length),
                ["nll_from"] = "llama.cpp logits, adapters applied at run time (SetLoraAdapters, scale 1)",
            };
            return new LoraBenchmarkResult(
                Weighted(baseA, baseB), Weighted(ownA, ownB), Weighted(fusedA, fusedB),
                referenceBase, (referenceA + referenceB) / 2, referenceFused,
                secondsA + secondsB, training.Rank, fusedRank, sets, settings);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Dictionary<string, double> Set(double baseNll, double own, double cross, double fused, double reference,
        LoraAdapter adapter, double seconds, int tokens)
    {
        using var training = JsonDocument.Parse(adapter.Training!);
        return new Dictionary<string, double>
        {
            ["base"] = baseNll,
            ["adapter"] = own,
            ["other_adapter"] = cross,
            ["fused"] = fused,
            ["reduction"] = 1 - (own / baseNll),
            ["fused_retention"] = (baseNll - fused) / (baseNll - own),
            ["reference_with_adapter"] = reference,
            ["final_train_loss"] = training.RootElement.GetProperty("final_loss").GetDouble(),
            ["train_s"] = seconds,
            ["predicted_tokens"] = tokens,
        };
    }

    private (LoraAdapter Adapter, double Seconds) Train(string path, int[][] set, int[][] replay, LoraTrainingOptions options, string name,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var adapter = LoraTrainer.Train(path, set, replay, options, p =>
        {
            if (p.Step == 1 || p.Step == p.Steps || p.Step % 20 == 0)
            {
                _progress?.Report(FormattableString.Invariant($"adapter {name}: step {p.Step}/{p.Steps}, loss {p.Loss:F4}, replay KL {p.ReplayDivergence:F4}"));
            }
        }, cancellationToken);
        return (adapter, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static string Provenance(string set, int texts) =>
        FormattableString.Invariant($$"""{"benchmark":"memos bench lora","memory_set":"{{set}}","texts":{{texts}}}""");

    private static LlamaLoraAdapter Load(LlamaModel model, LoraAdapter adapter, string directory, string name)
    {
        var file = Path.Combine(directory, name + ".gguf");
        LoraAdapterFile.Write(adapter, file);
        return LlamaLoraAdapter.Load(model, file);
    }

    // The prompt tokens followed by up to `count` greedy tokens (stopping at an end-of-generation token).
    private static int[] Greedy(LlamaContext context, LlamaModel model, int[] prompt, int count)
    {
        context.ClearLoraAdapters();
        context.ClearMemory();
        var tokens = new List<int>(prompt);
        using var batch = new LlamaBatch(Math.Max(prompt.Length, 1));
        for (var i = 0; i < prompt.Length; i++)
        {
            batch.Add(prompt[i], i, 0, output: i == prompt.Length - 1);
        }

        var logits = new float[model.VocabularySize];
        for (var step = 0; step < count; step++)
        {
            context.Decode(batch);
            context.CopyLogits(batch.Count - 1, logits);
            var next = Array.IndexOf(logits, logits.Max());
            if (model.IsEndOfGeneration(next))
            {
                break;
            }

            tokens.Add(next);
            batch.Clear();
            batch.Add(next, tokens.Count - 1, 0, output: true);
        }

        return tokens.ToArray();
    }

    // Mean −log p(token[t+1] | tokens[..t]) over every predicted token of the sequences, from llama.cpp's logits.
    private static (double Nll, int Tokens) Nll(LlamaContext context, int[][] sequences, LlamaLoraAdapter? adapter)
    {
        if (adapter is null)
        {
            context.ClearLoraAdapters();
        }
        else
        {
            context.SetLoraAdapters([(adapter, 1f)]);
        }

        var vocabulary = context.Model.VocabularySize;
        var logits = new float[vocabulary];
        var total = 0.0;
        var count = 0;
        foreach (var tokens in sequences)
        {
            context.ClearMemory();
            using var batch = new LlamaBatch(tokens.Length);
            for (var i = 0; i < tokens.Length; i++)
            {
                batch.Add(tokens[i], i, 0, output: i + 1 < tokens.Length);
            }

            context.Decode(batch);
            for (var i = 0; i + 1 < tokens.Length; i++)
            {
                context.CopyLogits(i, logits);
                var max = (double)logits.Max();
                var sum = logits.Sum(l => Math.Exp(l - max));
                total += Math.Log(sum) + max - logits[tokens[i + 1]];
                count++;
            }
        }

        context.ClearLoraAdapters();
        return (total / count, count);
    }
}
