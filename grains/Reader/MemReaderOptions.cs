namespace MemOS.Grains.Reader;

/// <summary>Settings of the plaintext MemReader, bound from <c>MemOS:Reader</c>.</summary>
public sealed class MemReaderOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "MemOS:Reader";

    /// <summary>How finely messages become memories. Default: <see cref="MemoryGranularity.Sentence"/> (finer
    /// memories let a token budget hold more distinct facts: on the LoCoMo development split, recall within 2,000
    /// tokens rose from 0.82 with whole turns to 0.90).</summary>
    public MemoryGranularity Granularity { get; set; } = MemoryGranularity.Sentence;

    /// <summary>With sentence granularity, a segment shorter than this many characters takes the next sentence too
    /// (so that "Wow!" rides along with what follows). Default: 1 (every sentence is a memory of its own, which
    /// recalled best on the LoCoMo development split: 0.90 within 2,000 tokens against 0.89 with 20).</summary>
    public int MinSegmentChars { get; set; } = 1;

    /// <summary>With sentence granularity, sentences also join while the segment stays within this many characters;
    /// 0 joins only short ones. Default: 0.</summary>
    public int MaxSegmentChars { get; set; }
}
