using System.CommandLine;
using System.Globalization;
using MemOS.Bench.Activation;
using MemOS.Bench.Parameter;
using MemOS.Inference.Lora.Training;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary><c>memos bench kv</c>: time to first token with and without KV-cache injection (activation memory), the
/// precompute cost and the batching gain, on a GGUF model (the synthetic ~100M one by default); <c>memos bench lora</c>:
/// parameter memory, the NLL of memory and reference texts with trained and fused LoRA adapters.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo?>("--model")
        {
            Description = "A GGUF model (for example ../shared/models/stories260K/stories260K.gguf). Default: the synthetic " +
                          "~100M llama model with random weights, generated once under .artifacts/models (timing only).",
        };
        var json = new Option<FileInfo?>("--json") { Description = "Write the results as JSON to this file." };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per case and mode; medians are reported.", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "CPU threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var batchRequests = new Option<int>("--batch-requests") { Description = "Precompute requests of the batching measure.", DefaultValueFactory = _ => 64 };
        var batchTokens = new Option<int>("--batch-tokens") { Description = "Tokens of each batching request.", DefaultValueFactory = _ => 32 };
        var kv = new Command("kv", "Time to first token with and without KV injection (memory 512/2048 tokens, query 32/128), precompute cost, batching gain.")
        {
            model, json, repeats, threads, batchRequests, batchTokens,
        };
        kv.SetAction((r, ct) => CliRunner.RunAsync(() => Task.Run(() =>
        {
            var options = new KvBenchmarkOptions
            {
                ModelPath = r.GetValue(model)?.FullName,
                ModelCacheDirectory = Path.Combine(RepositoryPaths.FindRoot() ?? Directory.GetCurrentDirectory(), ".artifacts", "models"),
                Repeats = r.GetValue(repeats),
                Threads = r.GetValue(threads),
                BatchRequests = r.GetValue(batchRequests),
                BatchRequestTokens = r.GetValue(batchTokens),
            };
            return RunKv(options, r.GetValue(json), ct);
        }, ct)));
        var bench = new Command("bench", "Benchmarks of the inference layer.");
        bench.Subcommands.Add(kv);
        bench.Subcommands.Add(CreateLora());
        return bench;
    }

    private static int RunKv(KvBenchmarkOptions options, FileInfo? jsonFile, CancellationToken cancellationToken)
    {
        if (options.ModelPath is { } path && !File.Exists(path))
        {
            throw new CliUsageException(
                $"No model file {path}. The shared test model is ../shared/models/stories260K/stories260K.gguf; without " +
                "--model the benchmark generates its synthetic one.");
        }

        KvBenchmark benchmark;
        try
        {
            benchmark = new KvBenchmark(options, new SynchronousProgress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")));
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message);
        }

        if (options.ModelPath is null)
        {
            AnsiConsole.MarkupLine("[yellow]synthetic model: random weights, timing only[/] (prefill cost does not depend on weight values; " +
                                   "the generated tokens mean nothing). Pass [bold]--model <gguf>[/] for a real one.");
        }

        var result = benchmark.Run(cancellationToken);
        var table = new Table().Title("time to first token (median of " + options.Repeats.ToString(CultureInfo.InvariantCulture) + " runs)");
        foreach (var column in new[] { "memory", "query", "plain ms", "kv ms", "of which restore ms", "reduction", "identical output" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var c in result.Cases)
        {
            table.AddRow(
                c.MemoryTokens.ToString(CultureInfo.InvariantCulture), c.QueryTokens.ToString(CultureInfo.InvariantCulture),
                Format(c.TtftPlainMilliseconds), Format(c.TtftKvMilliseconds), Format(c.RestoreMilliseconds),
                c.Reduction.ToString("P1", CultureInfo.InvariantCulture), c.IdenticalOutput ? "yes" : "[red]no[/]");
        }

        AnsiConsole.Write(table);
        foreach (var (name, value) in result.PrecomputeMilliseconds)
        {
            AnsiConsole.MarkupLine($"precompute {Markup.Escape(name)}: {Format(value)} ms");
        }

        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"batching speedup: [bold]{result.BatchSpeedup:F2}x[/]"));
        AnsiConsole.MarkupLine($"model: {Markup.Escape(Convert.ToString(result.Model["name"], CultureInfo.InvariantCulture) ?? "")}, " +
                               $"{Markup.Escape(Convert.ToString(result.Model["weights"], CultureInfo.InvariantCulture) ?? "")}");
        if (jsonFile is not null)
        {
            File.WriteAllText(jsonFile.FullName, result.ToJson() + Environment.NewLine);
            AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(jsonFile.FullName)}[/]");
        }

        return 0;
    }

    private static Command CreateLora()
    {
        var benchmarkDefaults = new LoraBenchmarkOptions { ModelPath = "unused" };
        var defaults = benchmarkDefaults.Training;
        var model = new Option<FileInfo>("--model") { Description = "The base GGUF model (llama, F32/F16), for example ../shared/models/stories260K/stories260K.gguf.", Required = true };
        var json = new Option<FileInfo?>("--json") { Description = "Write the results as JSON to this file." };
        var rank = new Option<int>("--rank") { Description = "LoRA rank of each adapter.", DefaultValueFactory = _ => defaults.Rank };
        var alpha = new Option<float>("--alpha") { Description = "LoRA alpha (the update is scaled by alpha / rank).", DefaultValueFactory = _ => defaults.Alpha };
        var steps = new Option<int>("--steps") { Description = "Adam steps per adapter (full batch).", DefaultValueFactory = _ => defaults.Steps };
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var seed = new Option<int>("--seed") { Description = "Seed of adapter A's initialization (B uses seed + 1).", DefaultValueFactory = _ => defaults.Seed };
        var targets = new Option<string>("--targets")
        {
            Description = "Comma-separated projections adapted in every layer (attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down).",
            DefaultValueFactory = _ => string.Join(',', defaults.Targets),
        };
        var replayWeight = new Option<double>("--replay-weight")
        {
            Description = "Weight of the KL divergence to the base model on replay text (base-model continuations of prompts disjoint from the reference ones); 0 trains on the memory texts alone.",
            DefaultValueFactory = _ => defaults.ReplayWeight,
        };
        var fusedWeight = new Option<float>("--fused-weight") { Description = "Weight of each adapter's update in the fused sum.", DefaultValueFactory = _ => benchmarkDefaults.FusedWeight };
        var fusedRank = new Option<int>("--fused-rank") { Description = "Rank of the fused adapter (0: the sum of the two ranks, exact).", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "llama.cpp CPU threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var lora = new Command("lora", "Parameter memory: train LoRA adapters on two disjoint sets of memory texts, fuse them, and measure per-token NLL of memory and reference text with llama.cpp.")
        {
            model, json, rank, alpha, steps, learningRate, seed, targets, replayWeight, fusedWeight, fusedRank, threads,
        };
        lora.SetAction((r, ct) => CliRunner.RunAsync(() => Task.Run(() =>
        {
            var file = r.GetValue(model)!;
            if (!file.Exists)
            {
                throw new CliUsageException($"No model file {file.FullName}. The shared test model is ../shared/models/stories260K/stories260K.gguf.");
            }

            LoraBenchmark benchmark;
            try
            {
                benchmark = new LoraBenchmark(
                    new LoraBenchmarkOptions
                    {
                        ModelPath = file.FullName,
                        Training = new LoraTrainingOptions
                        {
                            Rank = r.GetValue(rank),
                            Alpha = r.GetValue(alpha),
                            Steps = r.GetValue(steps),
                            LearningRate = r.GetValue(learningRate),
                            Seed = r.GetValue(seed),
                            Targets = r.GetValue(targets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                            ReplayWeight = r.GetValue(replayWeight),
                        },
                        FusedRank = r.GetValue(fusedRank),
                        FusedWeight = r.GetValue(fusedWeight),
                        Threads = r.GetValue(threads),
                    },
                    new SynchronousProgress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")));
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException(e.Message);
            }

            var result = benchmark.Run(ct);
            var table = new Table().Title("per-token NLL (nats), llama.cpp with the adapters applied at run time");
            foreach (var column in new[] { "text", "base", "adapter", "fused" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            table.AddRow("memory", F(result.MemoryBase), F(result.MemoryAdapter), F(result.MemoryFused));
            table.AddRow("reference", F(result.ReferenceBase), F(result.ReferenceAdapter), F(result.ReferenceFused));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"memory NLL {-result.MemoryReduction:P1} with the adapter (target <= -30%), reference {result.ReferenceIncrease:+0.0%;-0.0%} (target < +10%), " +
                $"fused keeps {result.FusedRetention:P1} of each reduction (target >= 80%); trained in {result.TrainSeconds:F1} s, rank {result.Rank}, fused rank {result.FusedRank}"));
            if (r.GetValue(json) is { } jsonFile)
            {
                File.WriteAllText(jsonFile.FullName, result.ToJson() + Environment.NewLine);
                AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(jsonFile.FullName)}[/]");
            }

            return 0;
        }, ct)));
        return lora;
    }

    private static string F(double nll) => nll.ToString("F4", CultureInfo.InvariantCulture);

    private static string Format(double milliseconds) => milliseconds.ToString("F1", CultureInfo.InvariantCulture);
}
