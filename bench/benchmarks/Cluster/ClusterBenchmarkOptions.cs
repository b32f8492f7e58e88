using System.Globalization;

namespace MemOS.Benchmarks.Cluster;

/// <summary>The settings of <c>cluster-throughput</c>, from its command line.</summary>
/// <param name="Users">Users the load spreads over (each has its own MemScheduler grain).</param>
/// <param name="Adds">Timed add requests per configuration (each of <see cref="MessagesPerAdd"/> messages).</param>
/// <param name="MessagesPerAdd">Messages per add request.</param>
/// <param name="Searches">Timed searches per configuration.</param>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="Rounds">Rounds the adds and searches of each configuration are split into, interleaved with the
/// other configurations'.</param>
/// <param name="Calls">Timed grain calls per mode (direct, forwarded) of the forwarding measure.</param>
/// <param name="PostgresConnectionString">An existing PostgreSQL server (a role that may create databases), or null to
/// start a throwaway one.</param>
/// <param name="JsonPath">Where to write the report as JSON, or null.</param>
public sealed record ClusterBenchmarkOptions(
    int Users, int Adds, int MessagesPerAdd, int Searches, int Concurrency, int Rounds, int Calls, string? PostgresConnectionString, string? JsonPath)
{
    /// <summary>The usage text.</summary>
    public const string Usage =
        "cluster-throughput [--users 48] [--adds 240] [--messages 5] [--searches 1200] [--concurrency 8] [--rounds 6] [--calls 1000] " +
        "[--postgres <connection string>] [--json <out.json>]";

    /// <summary>Parses the arguments after <c>cluster-throughput</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An argument is unknown, lacks its value or is out of range.</exception>
    public static ClusterBenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ClusterBenchmarkOptions(48, 240, 5, 1200, 8, 6, 1000, null, null);
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. Usage: {Usage}");
            options = args[i] switch
            {
                "--users" => options with { Users = Positive(value, "--users") },
                "--adds" => options with { Adds = Positive(value, "--adds") },
                "--messages" => options with { MessagesPerAdd = Positive(value, "--messages") },
                "--searches" => options with { Searches = Positive(value, "--searches") },
                "--concurrency" => options with { Concurrency = Positive(value, "--concurrency") },
                "--rounds" => options with { Rounds = Positive(value, "--rounds") },
                "--calls" => options with { Calls = Positive(value, "--calls") },
                "--postgres" => options with { PostgresConnectionString = value },
                "--json" => options with { JsonPath = value },
                _ => throw new ArgumentException($"Unknown argument {args[i]} {value}. Usage: {Usage}"),
            };
            i++;
        }

        return options;
    }

    private static int Positive(string text, string name)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} takes a positive whole number (got '{text}'). Usage: {Usage}");
}
