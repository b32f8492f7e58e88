using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MemOS.Client;
using MemOS.Evaluation.LoCoMo;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary><c>memos demo</c>: the main job end to end. Starts an embedded silo, remembers a conversation through the
/// REST API and answers questions with the memories found and their source message ids.</summary>
internal static class DemoCommand
{
    private const int DemoTokenBudget = 300;

    public static Command Create()
    {
        var data = new Option<FileInfo?>("--data")
        {
            Description = "A LoCoMo JSON file (default: ../shared/data/locomo/locomo10-dev.json, else the bundled sample).",
        };
        var questions = new Option<int>("--questions") { Description = "How many questions to ask.", DefaultValueFactory = _ => 8 };
        questions.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100)
            {
                r.AddError("--questions must be 1-100.");
            }
        });
        var embedder = SiloConnection.CreateEmbedderOption();
        var command = new Command("demo", "Remember a conversation in an embedded silo and answer questions about it.") { data, questions, embedder };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            await using var silo = await SiloConnection.StartEmbeddedAsync(ct, r.GetValue(embedder));
            AnsiConsole.MarkupLine($"[green]embedded silo[/] at {silo.BaseAddress} (one silo, SQLite in a temporary folder, " +
                                   $"embedder {Markup.Escape(silo.EmbedderModelId)}; tenant {SiloConnection.LocalTenant} with its own API key)");
            using var client = new MemOSClient(silo.BaseAddress, silo.ApiKey);
            var path = r.GetValue(data)?.FullName ?? RepositoryPaths.FindLoCoMo();
            var script = path is not null ? LoadLoCoMo(path, r.GetValue(questions)) : LoadSample(r.GetValue(questions));
            await IngestAsync(client, script, ct);
            await AskAsync(client, script, ct);
            return 0;
        }));
        return command;
    }

    private static async Task IngestAsync(MemOSClient client, DemoScript script, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"remembering [bold]{Markup.Escape(script.Title)}[/]: {script.Batches.Sum(b => b.Count)} messages for user " +
                               $"[bold]{script.User}[/]");
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask("ingest", maxValue: script.Batches.Count);
            foreach (var batch in script.Batches)
            {
                await client.AddAsync(new AddMemoriesRequest(script.User, batch, script.ConversationId), cancellationToken);
                task.Increment(1);
            }
        });
    }

    private static async Task AskAsync(MemOSClient client, DemoScript script, CancellationToken cancellationToken)
    {
        foreach (var question in script.Questions)
        {
            var response = await client.SearchAsync(
                new SearchRequest(script.User, question.Text, TokenBudget: DemoTokenBudget), cancellationToken);
            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLine($"[bold yellow]Q:[/] {Markup.Escape(question.Text)}" +
                                   (question.Answer is null ? "" : $"  [grey](expected: {Markup.Escape(question.Answer)})[/]"));
            if (response.Hits.Count == 0)
            {
                AnsiConsole.MarkupLine("   [grey]no memory found[/]");
                continue;
            }

            foreach (var hit in response.Hits.Take(3))
            {
                var sources = hit.Provenance.MessageIds;
                var isEvidence = sources.Any(question.Evidence.Contains);
                AnsiConsole.MarkupLine(
                    $"   {(isEvidence ? "[green]✓[/]" : " ")} [cyan][[{Markup.Escape(string.Join(",", sources))}]][/] " +
                    $"[grey]{hit.ValidFrom?.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}[/] " +
                    $"{Markup.Escape(hit.Speaker ?? "")}: {Markup.Escape(MemoryCommands.Shorten(hit.Text, 110))}");
            }

            var found = question.Evidence.Count(e => response.Hits.Any(h => h.Provenance.MessageIds.Contains(e)));
            AnsiConsole.MarkupLine($"   [grey]sources: {string.Join(", ", question.Evidence)}; found {found}/{question.Evidence.Count} " +
                                   $"within {response.UsedTokens}/{DemoTokenBudget} tokens[/]");
        }
    }

    private static DemoScript LoadLoCoMo(string path, int questionCount)
    {
        LoCoMoDataset dataset;
        try
        {
            dataset = LoCoMoDataset.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new CliUsageException(e.Message);
        }

        var conversation = dataset.Conversations.FirstOrDefault() ?? throw new CliUsageException($"{path} holds no conversation.");
        // A spread over the categories: the first question of each in turn, then the second of each, ...
        var questions = conversation.Questions.Where(LoCoMoEvaluationRunner.IsScored)
            .Select(q => (q, Gold: EvidenceIds.Normalize(q.Evidence, conversation.DiaIds)))
            .Where(x => x.Gold.Count > 0)
            .GroupBy(x => x.q.Category)
            .SelectMany(g => g.Select((x, i) => (x.q, x.Gold, Rank: i)))
            .OrderBy(x => x.Rank).ThenBy(x => x.q.Category)
            .Take(questionCount)
            .Select(x => new DemoQuestion(x.q.Question, x.q.Answer, x.Gold))
            .ToList();
        var batches = conversation.Sessions
            .Select(s => (IReadOnlyList<ConversationMessage>)s.Turns.Select(t => new ConversationMessage(t.DiaId, t.Speaker, t.Text, t.Timestamp)).ToList())
            .ToList();
        return new DemoScript($"LoCoMo {conversation.SampleId} ({conversation.SpeakerA} and {conversation.SpeakerB}, " +
                              $"{conversation.Sessions.Count} sessions)", "demo", conversation.SampleId, batches, questions);
    }

    private static DemoScript LoadSample(int questionCount)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "samples", "sample-conversation.json");
        AnsiConsole.MarkupLine("[grey]../shared/data/locomo is absent: using the bundled sample conversation[/]");
        using var stream = File.OpenRead(path);
        var sample = JsonSerializer.Deserialize(stream, DemoJsonContext.Default.SampleConversation)
                     ?? throw new CliUsageException($"{path} is empty.");
        var questions = sample.Questions.Take(questionCount).Select(q => new DemoQuestion(q.Question, null, q.Evidence)).ToList();
        return new DemoScript("the bundled sample conversation (Ana and Ben)", sample.User, sample.ConversationId,
            [sample.Messages], questions);
    }

    private sealed record DemoScript(
        string Title, string User, string ConversationId, IReadOnlyList<IReadOnlyList<ConversationMessage>> Batches,
        IReadOnlyList<DemoQuestion> Questions);

    private sealed record DemoQuestion(string Text, string? Answer, IReadOnlyList<string> Evidence);

    internal sealed record SampleConversation(
        [property: JsonPropertyName("conversationId")] string ConversationId,
        [property: JsonPropertyName("user")] string User,
        [property: JsonPropertyName("messages")] List<ConversationMessage> Messages,
        [property: JsonPropertyName("questions")] List<SampleQuestion> Questions);

    internal sealed record SampleQuestion(
        [property: JsonPropertyName("question")] string Question,
        [property: JsonPropertyName("evidence")] List<string> Evidence);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DemoCommand.SampleConversation))]
internal sealed partial class DemoJsonContext : JsonSerializerContext
{
}
