using BenchmarkDotNet.Running;
using MemOS.Benchmarks.Cluster;
using MemOS.Benchmarks.Scheduling;
using MemOS.Benchmarks.Vectors;

// `search-latency [...]`, `scan-throughput [...]` and `cluster-throughput [...]` are Stopwatch harnesses (bench/README.md); anything else goes to
// the BenchmarkDotNet switcher, e.g. `dotnet run -c Release --project bench/benchmarks -- --filter '*'`.
switch (args)
{
    case ["search-latency", .. var rest]:
        return await SearchLatencyHarness.RunAsync(rest);
    case ["scan-throughput", .. var rest]:
        return await ScanThroughputHarness.RunAsync(rest);
    case ["cluster-throughput", .. var rest]:
        return await ClusterThroughputHarness.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(SearchLatencyHarness).Assembly).Run(args);
return 0;
