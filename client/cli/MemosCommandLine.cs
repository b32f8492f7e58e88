using System.CommandLine;
using MemOS.Cli.Commands;

namespace MemOS.Cli;

/// <summary>The <c>memos</c> command line: silo hosting, the demo, the LoCoMo evaluation, the benchmarks and the SDK operations.</summary>
public static class MemosCommandLine
{
    /// <summary>Builds the root command with every subcommand.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand Build()
    {
        var root = new RootCommand("MemOS.Orleans: a memory operating system for LLM agents.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        foreach (var command in MemoryCommands.Create().Concat(ChatCommands.Create()).Concat(GovernanceCommands.Create()))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
