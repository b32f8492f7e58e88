using MemOS.Client;
using Spectre.Console;

namespace MemOS.Cli;

/// <summary>Runs a command body and turns failures into a message on stderr and a non-zero exit code.</summary>
internal static class CliRunner
{
    /// <summary>Exit code for a request the silo rejected or a bad argument.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a silo that cannot be reached or failed.</summary>
    public const int Failure = 1;

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (MemOSApiException e)
        {
            var stderr = StdErr();
            stderr.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            foreach (var (field, messages) in e.Problem.Errors ?? [])
            {
                stderr.MarkupLine($"  [yellow]{Markup.Escape(field)}[/]: {Markup.Escape(string.Join(" ", messages))}");
            }

            return (int)e.StatusCode >= 500 ? Failure : UsageError;
        }
        catch (MemOSConnectionException e)
        {
            StdErr().MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}\nStart a silo with [bold]./memos serve[/] or pass [bold]--silo <url>[/].");
            return Failure;
        }
        catch (CliUsageException e)
        {
            StdErr().MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return UsageError;
        }
        catch (MemOSException e)
        {
            // Local failures with a message meant for a person: a missing native library or model (which names
            // `./memos install`), a model llama.cpp rejected.
            StdErr().MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return Failure;
        }
        catch (OperationCanceledException)
        {
            StdErr().MarkupLine("[yellow]cancelled[/]");
            return Failure;
        }
    }

    private static IAnsiConsole StdErr() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
