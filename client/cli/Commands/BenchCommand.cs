using System.CommandLine;
using System.Globalization;
using MemOS.Bench.Activation;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary><c>memos bench kv</c>: time to first token with and without KV-cache injection (activation memory), the
/// precompute cost and the batching gain, on a GGUF model (the synthetic ~100M one by default).</summary>
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

    private static string Format(double milliseconds) => milliseconds.ToString("F1", CultureInfo.InvariantCulture);
}
