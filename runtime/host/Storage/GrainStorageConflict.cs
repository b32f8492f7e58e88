namespace MemOS.Runtime.Storage;

/// <summary>The <see cref="InconsistentStateException"/> every provider throws when an ETag precondition fails, so
/// that the message reads the same whichever store refused the write.</summary>
internal static class GrainStorageConflict
{
    /// <summary>Builds the exception for a refused <paramref name="operation"/> (<c>write</c> or <c>clear</c>).</summary>
    public static InconsistentStateException Create(
        string operation, string grainType, string stateName, string grainKey, string? storedEtag, string? expectedEtag)
        => new(
            $"The {operation} of state '{stateName}' of grain {grainType}/{grainKey} conflicted: storage holds " +
            $"{(storedEtag is null ? "no record" : $"ETag {storedEtag}")}, the {operation} was based on " +
            $"{(expectedEtag is null ? "no record" : $"ETag {expectedEtag}")}.",
            storedEtag,
            expectedEtag);
}
