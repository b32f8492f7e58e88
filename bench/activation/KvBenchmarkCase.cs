namespace MemOS.Bench.Activation;

/// <summary>One measured case of <see cref="KvBenchmark"/>: a memory context and a query.</summary>
/// <param name="MemoryTokens">The memory context's tokens.</param>
/// <param name="QueryTokens">The query's tokens.</param>
/// <param name="TtftPlainMilliseconds">Median time to first token without injection: prefill memory and query, sample.</param>
/// <param name="TtftKvMilliseconds">Median time to first token with injection: read the memory's cache from the store,
/// restore it, prefill the query only, sample.</param>
/// <param name="RestoreMilliseconds">Median of the store read and restore alone (part of <paramref name="TtftKvMilliseconds"/>).</param>
/// <param name="IdenticalOutput">Whether the greedy tokens generated with and without injection are the same.</param>
public sealed record KvBenchmarkCase(
    int MemoryTokens, int QueryTokens, double TtftPlainMilliseconds, double TtftKvMilliseconds, double RestoreMilliseconds,
    bool IdenticalOutput)
{
    /// <summary>The share of the time to first token that injection saves: <c>1 - kv / plain</c>.</summary>
    public double Reduction => 1 - (TtftKvMilliseconds / TtftPlainMilliseconds);
}
