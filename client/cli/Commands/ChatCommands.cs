using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MemOS.Client;
using MemOS.Grains.Interfaces.Activation;
using MemOS.Grains.Interfaces.Chat;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary>Generation with memory and activation memory as commands: <c>chat</c>, <c>activate</c>, <c>activations</c>.
/// Each talks to a running silo started with a generation model (<c>./memos serve --model &lt;gguf&gt;</c>).</summary>
internal static class ChatCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Chat();
        yield return Activate();
        yield return Activations();
    }

    private static Option<string> UserOption() => new("--user") { Description = "The user whose memories are used.", Required = true };

    private static Command Chat()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var message = new Option<string>("--message", "-m") { Description = "The message to answer.", Required = true };
        var budget = new Option<int?>("--token-budget") { Description = "The memories' token budget (ceil(chars/4))." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "The most tokens to generate (1-2048)." };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature 0-2 (0, the default: greedy)." };
        var seed = new Option<long?>("--seed") { Description = "The sampling seed." };
        var json = new Option<bool>("--json") { Description = "Print the raw JSON answer." };
        var command = new Command("chat", "Answer a message with a user's memories (KV-cache injected when activated).")
        {
            silo, user, message, budget, maxTokens, temperature, seed, json,
        };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var response = await client.ChatAsync(new ChatRequest(
                r.GetValue(user), r.GetValue(message), r.GetValue(budget), r.GetValue(maxTokens), r.GetValue(temperature), r.GetValue(seed)), ct);
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(response, MemoryCommands.PrettyJson));
                return 0;
            }

            AnsiConsole.WriteLine(response.Text);
            var table = new Table().AddColumns("memory", "version", "form", "line");
            foreach (var m in response.Memories)
            {
                table.AddRow(m.Id, m.Version.ToString(CultureInfo.InvariantCulture), m.Form, Markup.Escape(MemoryCommands.Shorten(m.Rendered, 80)));
            }

            if (response.Memories.Count > 0)
            {
                AnsiConsole.Write(table);
            }

            AnsiConsole.MarkupLine(
                $"[grey]{response.Form ?? "no memories"}; {response.MemoryTokens} memory tokens, {response.PromptTokens} prompt tokens decoded, " +
                $"{response.Tokens.Count} generated ({response.StopReason}); time to first token {response.TimeToFirstTokenMs:F1} ms, " +
                $"retrieval {response.RetrievalMs:F1} ms; model {Markup.Escape(response.Model)}" +
                (response.ActivationId is { } id ? $"; activation {id}" : "") + "[/]");
            return 0;
        }));
        return command;
    }

    private static Command Activate()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var ids = new Option<string[]>("--id")
        {
            Description = "A memory id (repeat for several): the block of these memories gets a precomputed KV cache.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("activate", "Precompute the KV cache of the block made of some memories (activation memory).") { silo, user, ids };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var record = await client.ActivateAsync(new ActivateRequest(r.GetValue(user), r.GetValue(ids)), ct);
            AnsiConsole.MarkupLine($"{record.Id} [green]{record.State}[/] ({record.Sources.Count} memories, {record.TokenCount} tokens)");
            return 0;
        }));
        return command;
    }

    private static Command Activations()
    {
        var silo = SiloConnection.CreateOption("The silo's URL.");
        var user = UserOption();
        var command = new Command("activations", "List a user's activation MemCubes.") { silo, user };
        command.SetAction((r, ct) => CliRunner.RunAsync(async () =>
        {
            using var client = SiloConnection.Connect(r.GetValue(silo));
            var table = new Table().AddColumns("activation", "state", "memories", "tokens", "bytes", "uses", "origin", "reason");
            foreach (var a in await client.GetActivationsAsync(r.GetValue(user)!, ct))
            {
                table.AddRow(a.Id, a.State.ToString(), a.Sources.Count.ToString(CultureInfo.InvariantCulture),
                    a.TokenCount.ToString(CultureInfo.InvariantCulture), a.SizeBytes.ToString(CultureInfo.InvariantCulture),
                    a.UseCount.ToString(CultureInfo.InvariantCulture), a.Origin, Markup.Escape(a.Reason ?? ""));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
