using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.CommandLine;
using MemOS.Silo.Hosting;
using Npgsql;
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
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Keep grain state in this PostgreSQL database instead of SQLite in --data-dir: an Npgsql connection string, " +
                          "e.g. \"Host=127.0.0.1;Port=5432;Database=memos;Username=memos;Password=...\" (the database must exist; " +
                          "its MemOS tables are created or migrated at start). Default: ConnectionStrings__MemOS when set.",
            Validators =
            {
                r =>
                {
                    if (r.GetValueOrDefault<string?>() is { } value && Describe(value) is null)
                    {
                        r.AddError("--postgres must be an Npgsql connection string such as \"Host=127.0.0.1;Port=5432;Database=memos;Username=memos\".");
                    }
                },
            },
        };
        var embedder = SiloConnection.CreateEmbedderOption();
        var model = new Option<FileInfo?>("--model")
        {
            Description = "A GGUF generation model for /v1/chat and activation memory (MemOS:Inference:ModelPath); without it chat answers 503.",
        };
        var command = new Command("serve", "Start a silo on 127.0.0.1 and serve the REST API; grain state in embedded SQLite, or in PostgreSQL with --postgres.")
        {
            port, dataDir, postgres, embedder, model,
        };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(async () =>
        {
            var directory = Path.GetFullPath(result.GetValue(dataDir)!);
            var connectionString = result.GetValue(postgres) ?? NonBlank(Environment.GetEnvironmentVariable($"ConnectionStrings__{SiloOptions.ConnectionStringName}"));
            var storage = connectionString is null ? $"data: {directory}" : $"storage: PostgreSQL {Describe(connectionString)}";
            EmbeddedSilo silo;
            try
            {
                if (result.GetValue(model) is { Exists: false } missing)
                {
                    throw new CliUsageException($"No such model file: {missing.FullName}");
                }

                silo = await SiloConnection.StartAsync(
                    directory, result.GetValue(port), result.GetValue(embedder), LogLevel.Information, cancellationToken,
                    connectionString, result.GetValue(model)?.FullName);
            }
            catch (IOException e)
            {
                throw new CliUsageException($"Could not listen on port {result.GetValue(port)}: {e.Message}");
            }

            await using (silo)
            {
                AnsiConsole.MarkupLine($"[green]silo listening[/] on {silo.BaseAddress} ({Markup.Escape(storage)}); Ctrl+C stops it.");
                AnsiConsole.MarkupLine($"OpenAPI: {silo.BaseAddress}openapi/v1.json");
                var keys = silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MemOS.Silo.Auth.AuthOptions>>().Value.RequiresKeys;
                AnsiConsole.MarkupLine(keys
                    ? "API keys required (MEMOS_ADMIN_KEY is set): create a tenant with `memos tenant create`, then use its keys (MEMOS_API_KEY)."
                    : "[yellow]open mode[/]: no MEMOS_ADMIN_KEY, so requests without a key act as the admin of tenant 'default'.");
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

    /// <summary>Where a connection string points, without its secrets (<c>memos on 127.0.0.1:5432</c>), or null
    /// when it does not parse.</summary>
    private static string? Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? null : $"database {builder.Database ?? builder.Username ?? "(default)"} on {builder.Host}:{builder.Port}";
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
