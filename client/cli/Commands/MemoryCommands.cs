using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary>The SDK operations as commands: <c>add</c>, <c>search</c>, <c>get</c>, <c>update</c>, <c>rollback</c>,
/// <c>archive</c>, <c>restore</c>, <c>delete</c>, <c>history</c>.
/// Each talks to a running silo (<c>--silo</c>, <c>MEMOS_URL</c>, or http://127.0.0.1:5080).</summary>
internal static class MemoryCommands
{
    /// <summary>Indented JSON of the API's types, for <c>--json</c> output.</summary>
    internal static readonly JsonSerializerOptions PrettyJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        TypeInfoResolver = MemOS.Grains.Interfaces.Serialization.MemOSJsonContext.Default,
    };

    public static IEnumerable<Command> Create()
    {
        yield return Add();
        yield return Search();
        yield return Get();
        yield return Update();
        yield return Rollback();
        yield return Transition("archive", "Archive a memory to the MemVault (out of search until restored).", static (c, u, i, v, ct) => c.ArchiveAsync(u, i, v, ct));
        yield return Transition("restore", "Restore an archived memory from the MemVault.", static (c, u, i, v, ct) => c.RestoreAsync(u, i, v, ct));
        yield return Delete();
        yield return History();
    }

    private static Option<string> UserOption() => new("--user") { Description = "The user the memories belong to.", Required = true };

    private static Option<string> IdOption() => new("--id") { Description = "The memory id.", Required = true };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the raw JSON answer." };

    private static Command Add()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var text = new Option<string?>("--text") { Description = "The message text (one message)." };
        var speaker = new Option<string>("--speaker") { Description = "Who said it.", DefaultValueFactory = _ => "user" };
        var messageId = new Option<string?>("--message-id") { Description = "The message id (default: a new one)." };
        var conversation = new Option<string?>("--conversation") { Description = "The conversation id." };
        var timestamp = new Option<DateTimeOffset?>("--timestamp") { Description = "When it was said (ISO 8601); default now." };
        var file = new Option<FileInfo?>("--file") { Description = "A JSON file with an array of messages {id, speaker, text, timestamp}." };
        var json = JsonOption();
        var command = new Command("add", "Remember messages for a user.") { silo, user, text, speaker, messageId, conversation, timestamp, file, json };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            IReadOnlyList<ConversationMessage> messages;
            if (r.GetValue(file) is { } f)
            {
                if (!f.Exists)
                {
                    throw new CliUsageException($"No such file: {f.FullName}");
                }

                try
                {
                    await using var stream = f.OpenRead();
                    messages = await JsonSerializer.DeserializeAsync<List<ConversationMessage>>(stream, PrettyJson, ct)
                               ?? throw new CliUsageException($"{f.Name} holds no messages.");
                }
                catch (JsonException e)
                {
                    throw new CliUsageException($"{f.Name} is not a JSON array of messages: {e.Message}");
                }
            }
            else if (r.GetValue(text) is { } t)
            {
                var id = r.GetValue(messageId) ?? "m-" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                messages = [new ConversationMessage(id, r.GetValue(speaker)!, t, r.GetValue(timestamp))];
            }
            else
            {
                throw new CliUsageException("Give --text or --file.");
            }

            using var client = SiloConnection.Connect(r.GetValue(silo));
            var response = await client.AddAsync(new AddMemoriesRequest(r.GetValue(user), messages, r.GetValue(conversation)), ct);
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(response, PrettyJson));
                return 0;
            }

            foreach (var added in response.Memories)
            {
                var m = added.Memory;
                AnsiConsole.MarkupLine($"{(added.Created ? "[green]added[/]" : "[grey]already remembered[/]")} {m.Id} " +
                                       $"[grey]({Markup.Escape(string.Join(",", m.Provenance.MessageIds))})[/] {Markup.Escape(Shorten(m.Text))}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Search()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var query = new Option<string>("--query", "-q") { Description = "What to look for.", Required = true };
        var topK = new Option<int?>("--top-k", "-k") { Description = "The most hits (1-200)." };
        var budget = new Option<int?>("--token-budget") { Description = "Pack hits into this many tokens (ceil(chars/4))." };
        var json = JsonOption();
        var command = new Command("search", "Search a user's memories.") { silo, user, query, topK, budget, json };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var response = await client.SearchAsync(
                new SearchRequest(r.GetValue(user), r.GetValue(query), r.GetValue(topK), r.GetValue(budget)), ct);
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(response, PrettyJson));
                return 0;
            }

            PrintHits(response);
            return 0;
        }));
        return command;
    }

    private static Command Get()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var id = IdOption();
        var asOf = new Option<DateTimeOffset?>("--as-of") { Description = "Show the version visible at this transaction time (ISO 8601)." };
        var command = new Command("get", "Show one memory (JSON; its version is the ETag for update).") { silo, user, id, asOf };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var record = r.GetValue(asOf) is { } at
                ? await client.GetAsOfAsync(r.GetValue(user)!, r.GetValue(id)!, at, ct)
                : await client.GetAsync(r.GetValue(user)!, r.GetValue(id)!, ct);
            Console.WriteLine(JsonSerializer.Serialize(record, PrettyJson));
            return 0;
        }));
        return command;
    }

    private static Command Transition(
        string name, string description, Func<MemOSClient, string, string, long?, CancellationToken, Task<MemoryRecord>> send)
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var id = IdOption();
        var version = new Option<long?>("--version") { Description = "Only if still at this version (If-Match)." };
        var command = new Command(name, description) { silo, user, id, version };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var record = await send(client, r.GetValue(user)!, r.GetValue(id)!, r.GetValue(version), ct);
            AnsiConsole.MarkupLine($"[green]{record.State.ToString().ToLowerInvariant()}[/] {record.Id} at version {record.Version}");
            return 0;
        }));
        return command;
    }

    private static Command Rollback()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var id = IdOption();
        var to = new Option<long>("--to") { Description = "The earlier version whose content to restore (see history).", Required = true };
        var version = new Option<long?>("--version")
        {
            Description = "The version you read (If-Match); default: the current one, read first.",
        };
        var command = new Command("rollback", "Restore an earlier version's content as a new version (history stays append-only).")
        {
            silo, user, id, to, version,
        };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var expected = r.GetValue(version) ?? (await client.GetAsync(r.GetValue(user)!, r.GetValue(id)!, ct)).Version;
            var record = await client.RollbackAsync(r.GetValue(user)!, r.GetValue(id)!, r.GetValue(to), expected, ct);
            AnsiConsole.MarkupLine($"[green]rolled back[/] {record.Id} to the content of version {r.GetValue(to)}: now version {record.Version}");
            return 0;
        }));
        return command;
    }

    private static Command Update()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var id = IdOption();
        var text = new Option<string?>("--text") { Description = "The new text." };
        var tags = new Option<string[]?>("--tag") { Description = "A tag (repeat for several); replaces the tag set.", AllowMultipleArgumentsPerToken = true };
        var version = new Option<long?>("--version")
        {
            Description = "The version you read (If-Match); default: the current one, read first.",
        };
        var command = new Command("update", "Change a memory's text or tags (a new version; conflicts are refused).") { silo, user, id, text, tags, version };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            var update = new MemoryUpdate(r.GetValue(text), r.GetValue(tags));
            if (update.IsEmpty)
            {
                throw new CliUsageException("Give --text or --tag.");
            }

            using var client = SiloConnection.Connect(r.GetValue(silo));
            var expected = r.GetValue(version) ?? (await client.GetAsync(r.GetValue(user)!, r.GetValue(id)!, ct)).Version;
            var record = await client.UpdateAsync(r.GetValue(user)!, r.GetValue(id)!, update, expected, ct);
            AnsiConsole.MarkupLine($"[green]updated[/] {record.Id} to version {record.Version}");
            return 0;
        }));
        return command;
    }

    private static Command Delete()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var id = IdOption();
        var version = new Option<long?>("--version") { Description = "Only erase if still at this version." };
        var command = new Command("delete", "Erase a memory (its text leaves every version).") { silo, user, id, version };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            await client.DeleteAsync(r.GetValue(user)!, r.GetValue(id)!, r.GetValue(version), ct);
            AnsiConsole.MarkupLine($"[green]erased[/] {Markup.Escape(r.GetValue(id)!)}");
            return 0;
        }));
        return command;
    }

    private static Command History()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var id = IdOption();
        var command = new Command("history", "Show a memory's versions, oldest first.") { silo, user, id };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var history = await client.GetHistoryAsync(r.GetValue(user)!, r.GetValue(id)!, ct);
            var table = new Table().AddColumns("version", "change", "state", "recorded at", "text");
            foreach (var v in history.Versions)
            {
                table.AddRow(v.Version.ToString(CultureInfo.InvariantCulture), v.Change, v.State.ToString(),
                    v.RecordedAt.ToString("u", CultureInfo.InvariantCulture), Markup.Escape(Shorten(v.Text)));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>Prints search hits as a table: score, source message ids, when, who, what.</summary>
    internal static void PrintHits(SearchResponse response)
    {
        var table = new Table().AddColumns("score", "source", "when", "who", "memory");
        foreach (var hit in response.Hits)
        {
            table.AddRow(
                hit.Score.ToString("F2", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(",", hit.Provenance.MessageIds)),
                hit.ValidFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(hit.Speaker ?? ""),
                Markup.Escape(Shorten(hit.Text, 100)));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{response.Hits.Count} hits, {response.UsedTokens} tokens" +
                               (response.TokenBudget is { } b ? $" of a {b}-token budget" : "") + "[/]");
    }

    internal static string Shorten(string text, int max = 80) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
