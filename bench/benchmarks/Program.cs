using BenchmarkDotNet.Running;
using MemOS.Benchmarks.Scheduling;

// `search-latency [...]`: the end-to-end search harness (SearchLatencyHarness); anything else goes to the
// BenchmarkDotNet switcher, e.g. `dotnet run -c Release --project bench/benchmarks -- --filter '*'`.
if (args is ["search-latency", .. var rest])
{
    return await SearchLatencyHarness.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
