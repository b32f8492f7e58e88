using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Scheduling;

/// <summary>A memory as the MemScheduler holds it in its index: the cube's current record, its stand-alone context
/// line, its entry in a grouped context, and the times its text mentions.</summary>
/// <param name="Record">The cube at the version indexed.</param>
/// <param name="Rendered">The line it takes on its own (<see cref="MemoryRendering.RenderLine"/>).</param>
/// <param name="Entry">What it contributes to a grouped context (<see cref="MemoryRendering.RenderGroupedContext"/>).</param>
/// <param name="TimeMentions">The time expressions of its text ("yesterday", "last week") resolved against its valid
/// time: when the things it tells happened. Empty when it has no valid time or mentions none.</param>
internal sealed record IndexedMemory(MemoryRecord Record, string Rendered, ContextEntry Entry, IReadOnlyList<TimeRange> TimeMentions)
{
    /// <summary>Builds the index entry of a record.</summary>
    public static IndexedMemory Of(MemoryRecord record) => new(
        record,
        MemoryRendering.RenderLine(record.ValidFrom, record.Provenance.Speaker, record.Text),
        new ContextEntry(record.ValidFrom, record.Provenance.Speaker, record.Text),
        record.ValidFrom is { } validFrom ? TimeExpressionResolver.Resolve(record.Text, validFrom) : []);

    /// <summary>Whether the memory's valid time, or a time its text mentions, falls in one of the spans.</summary>
    /// <param name="spans">The spans a query names.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    public bool IsWithin(IReadOnlyList<TimeRange> spans)
    {
        foreach (var span in spans)
        {
            if (Record.ValidFrom is { } validFrom && span.Contains(validFrom))
            {
                return true;
            }

            foreach (var mention in TimeMentions)
            {
                if (mention.Overlaps(span))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
