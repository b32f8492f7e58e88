using BenchmarkDotNet.Running;

// Runs the micro-benchmarks: `dotnet run -c Release --project bench/benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(MemOS.Benchmarks.Retrieval.Bm25SearchBenchmarks).Assembly).Run(args);
