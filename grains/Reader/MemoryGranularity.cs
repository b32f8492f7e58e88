namespace MemOS.Grains.Reader;

/// <summary>How finely the MemReader turns messages into memories.</summary>
public enum MemoryGranularity
{
    /// <summary>One memory per message.</summary>
    Turn,

    /// <summary>One memory per sentence (short ones joined, see <see cref="MemReaderOptions.MinSegmentChars"/>).</summary>
    Sentence,
}
