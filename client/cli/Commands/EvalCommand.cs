using System.CommandLine;
using System.Globalization;
using MemOS.Client;
using MemOS.Evaluation;
using MemOS.Evaluation.LoCoMo;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary><c>memos eval locomo</c>: LoCoMo evidence recall of the system and the BM25 baseline, in one run.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo?>("--data")
        {
            Description = "The LoCoMo JSON file (default: ../shared/data/locomo/locomo10-dev.json).",
        };
        var json = new Option<FileInfo?>("--json") { Description = "Write the results as JSON to this file." };
        var silo = SiloConnection.CreateOption("Evaluate a running silo instead of starting an embedded one.");
        var embedder = SiloConnection.CreateEmbedderOption();
        var locomo = new Command("locomo", "Evidence recall@k and @token-budget on LoCoMo, against BM25 over raw turns.")
        {
            data, json, silo, embedder,
        };
        locomo.Validators.Add(r =>
        {
            if (r.GetValue(silo) is not null && r.GetValue(embedder) is not null)
            {
                r.AddError("--embedder sets up an embedded silo; a running silo (--silo) uses the embedder it was started with.");
            }
        });
        locomo.SetAction((r, ct) => CliRunner.RunAsync(
            () => RunLoCoMoAsync(r.GetValue(data), r.GetValue(json), r.GetValue(silo), r.GetValue(embedder), ct)));
        var eval = new Command("eval", "Measure retrieval quality.");
        eval.Subcommands.Add(locomo);
        return eval;
    }

    private static async Task<int> RunLoCoMoAsync(
        FileInfo? dataFile, FileInfo? jsonFile, Uri? siloUrl, string? embedderSpec, CancellationToken cancellationToken)
    {
        var path = dataFile?.FullName ?? RepositoryPaths.FindLoCoMo()
            ?? throw new CliUsageException("No LoCoMo file: pass --data <locomo json> (../shared/data/locomo/locomo10-dev.json is absent).");
        if (!File.Exists(path))
        {
            throw new CliUsageException($"No such file: {path}");
        }

        LoCoMoDataset dataset;
        try
        {
            dataset = LoCoMoDataset.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliUsageException(e.Message);
        }

        await using var embedded = siloUrl is null ? await SiloConnection.StartEmbeddedAsync(cancellationToken, embedderSpec) : null;
        var baseAddress = siloUrl ?? embedded!.BaseAddress;
        var embedderModel = embedded?.EmbedderModelId ?? await SiloConnection.EmbedderModelAsync(baseAddress, cancellationToken);
        AnsiConsole.MarkupLine($"[grey]silo: {baseAddress} ({(embedded is null ? "given" : "embedded, fresh SQLite")}); " +
                               $"embedder: {Markup.Escape(embedderModel)}; data: {Markup.Escape(path)}: {dataset.Conversations.Count} conversations[/]");
        using var client = embedded is null ? SiloConnection.Connect(siloUrl) : new MemOSClient(baseAddress, embedded.ApiKey);
        var runner = new LoCoMoEvaluationRunner(client);
        EvaluationResult result = null!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var ingest = context.AddTask("ingest sessions");
                var search = context.AddTask("ask questions");
                var progress = new SynchronousProgress<(string Phase, int Done, int Total)>(p =>
                {
                    var task = p.Phase == "ingest" ? ingest : search;
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                });
                result = await runner.RunAsync(dataset, progress, cancellationToken);
            });

        if (result.AdditionalFields["config"] is System.Text.Json.Nodes.JsonObject config)
        {
            config["embedder"] = embedderModel;
            config["data"] = Path.GetFileName(path);
        }

        PrintReport(result);
        PrintMisses(runner.Misses);
        if (jsonFile is not null)
        {
            result.Save(jsonFile.FullName);
            AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(jsonFile.FullName)}[/]");
        }

        return 0;
    }

    private static void PrintReport(EvaluationResult result)
    {
        var table = new Table().Title("LoCoMo evidence recall (categories 1-4)");
        table.AddColumn("metric");
        foreach (var (name, _) in Reports(result))
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (var key in result.System.MetricKeys)
        {
            var row = new List<string> { key };
            foreach (var (_, report) in Reports(result))
            {
                row.Add(Format(report.Overall()[key]));
            }

            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);
        var byCategory = new Table().Title("by category (system / baseline)");
        byCategory.AddColumn("metric");
        string[] names = ["1 multi-hop", "2 temporal", "3 open-domain", "4 single-hop"];
        for (var c = RecallReport.FirstCategory; c <= RecallReport.LastCategory; c++)
        {
            byCategory.AddColumn(new TableColumn($"{names[c - 1]} (n={result.System.CategoryQuestions(c)})").RightAligned());
        }

        foreach (var key in result.System.MetricKeys)
        {
            var row = new List<string> { key };
            for (var c = RecallReport.FirstCategory; c <= RecallReport.LastCategory; c++)
            {
                row.Add($"{Format(result.System.ByCategory(c)[key])} / {Format(result.BaselineBm25.ByCategory(c)[key])}");
            }

            byCategory.AddRow(row.ToArray());
        }

        AnsiConsole.Write(byCategory);
        var t = result.Timing;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"questions scored: {result.System.Questions} (excluded without valid evidence: {result.System.ExcludedQuestions}); " +
            $"ingest {t.IngestSeconds:F1} s; search p50 {t.SearchP50Milliseconds:F2} ms, p99 {t.SearchP99Milliseconds:F2} ms"));
    }

    private static void PrintMisses(MissBreakdown misses)
    {
        var table = new Table().Title($"system misses: gold turns cut by the budget / not in the top {misses.RankingDepth}");
        table.AddColumn("budget");
        for (var c = RecallReport.FirstCategory; c <= RecallReport.LastCategory; c++)
        {
            table.AddColumn(new TableColumn($"category {c}").RightAligned());
        }

        foreach (var budget in RecallMetrics.StandardTokenBudgets)
        {
            var row = new List<string> { budget + " tokens" };
            for (var c = RecallReport.FirstCategory; c <= RecallReport.LastCategory; c++)
            {
                var (gold, cut, missing) = misses.Get(budget, c);
                row.Add(gold == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{cut}/{missing} of {gold}"));
            }

            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);
    }

    private static IEnumerable<(string Name, RecallReport Report)> Reports(EvaluationResult result)
    {
        yield return ("system", result.System);
        yield return ("baseline BM25", result.BaselineBm25);
    }

    private static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("F3", CultureInfo.InvariantCulture);
}
