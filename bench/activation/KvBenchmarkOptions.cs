namespace MemOS.Bench.Activation;

/// <summary>What <see cref="KvBenchmark"/> measures and how often.</summary>
public sealed record KvBenchmarkOptions
{
    /// <summary>The GGUF model; <see langword="null"/> for the synthetic ~100M llama model (random weights), written
    /// once to <see cref="ModelCacheDirectory"/>. Default null.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Where the synthetic model is cached. Default <c>.artifacts/models</c> (relative to the current directory).</summary>
    public string ModelCacheDirectory { get; init; } = Path.Combine(".artifacts", "models");

    /// <summary>The memory contexts, in tokens (the part that is precomputed). Default 512 and 2048.</summary>
    public IReadOnlyList<int> MemoryTokens { get; init; } = [512, 2048];

    /// <summary>The queries, in tokens (decoded after the memory in both modes). Default 32 and 128.</summary>
    public IReadOnlyList<int> QueryTokens { get; init; } = [32, 128];

    /// <summary>Timed runs of each case and mode (the median is reported), after one warm-up run. Default 5.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Greedy tokens generated with and without injection to compare them. Default 32.</summary>
    public int GeneratedTokens { get; init; } = 32;

    /// <summary>Precompute requests of the batching measure. Default 64.</summary>
    public int BatchRequests { get; init; } = 64;

    /// <summary>Tokens of each batching request. Default 32 (a memory of a sentence or two).</summary>
    public int BatchRequestTokens { get; init; } = 32;

    /// <summary>Timed runs of each batching mode (the median is reported), after a warm-up. Default 3.</summary>
    public int BatchRepeats { get; init; } = 3;

    /// <summary>CPU threads; 0 for <see cref="Environment.ProcessorCount"/>. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>The seed of the synthetic token ids. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">A list is empty or a value is out of range (the message names it).</exception>
    public void Validate()
    {
        if (MemoryTokens.Count == 0 || MemoryTokens.Any(n => n < 2) || QueryTokens.Count == 0 || QueryTokens.Any(n => n < 1))
        {
            throw new ArgumentException($"{nameof(MemoryTokens)} (each at least 2) and {nameof(QueryTokens)} (each at least 1) are not empty.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Repeats, 1, nameof(Repeats));
        ArgumentOutOfRangeException.ThrowIfLessThan(GeneratedTokens, 1, nameof(GeneratedTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchRequests, 1, nameof(BatchRequests));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchRequests, 256, nameof(BatchRequests));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchRequestTokens, 1, nameof(BatchRequestTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchRepeats, 1, nameof(BatchRepeats));
        ArgumentOutOfRangeException.ThrowIfNegative(Threads, nameof(Threads));
    }
}
