using Microsoft.Extensions.Logging;
using System.CommandLine;
using MemOS.Silo.Hosting;
using Spectre.Console;

namespace MemOS.Cli.Commands;

/// <summary><c>memos serve</c>: runs a silo in the foreground until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1.", DefaultValueFactory = _ => 5080 };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be 0-65535.");
            }
        });
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Folder of the embedded SQLite database.",
            DefaultValueFactory = _ => "memos-data",
        };
        var embedder = SiloConnection.CreateEmbedderOption();
        var model = new Option<FileInfo?>("--model")
        {
            Description = "A GGUF generation model for /v1/chat and activation memory (MemOS:Inference:ModelPath); without it chat answers 503.",
        };
        var command = new Command("serve", "Start a silo (embedded SQLite storage) on 127.0.0.1 and serve the REST API.") { port, dataDir, embedder, model };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            var directory = Path.GetFullPath(result.GetValue(dataDir)!);
            EmbeddedSilo silo;
            try
            {
                if (result.GetValue(model) is { Exists: false } missing)
                {
                    throw new CliUsageException($"No such model file: {missing.FullName}");
                }

                silo = await SiloConnection.StartAsync(
                    directory, result.GetValue(port), result.GetValue(embedder), LogLevel.Information, cancellationToken,
                    result.GetValue(model)?.FullName);
            }
            catch (IOException e)
            {
                throw new CliUsageException($"Could not listen on port {result.GetValue(port)}: {e.Message}");
            }

            await using (silo)
            {
                AnsiConsole.MarkupLine($"[green]silo listening[/] on {silo.BaseAddress} (data: {Markup.Escape(directory)}); Ctrl+C stops it.");
                AnsiConsole.MarkupLine($"OpenAPI: {silo.BaseAddress}openapi/v1.json");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    AnsiConsole.MarkupLine("stopping: deactivating grains and writing their state");
                }
            }

            return 0;
        }));
        return command;
    }
}
