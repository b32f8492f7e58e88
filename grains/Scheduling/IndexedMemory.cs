using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Scheduling;

/// <summary>A memory as the MemScheduler holds it in its index: the cube's current record, its stand-alone context
/// line and its entry in a grouped context.</summary>
/// <param name="Record">The cube at the version indexed.</param>
/// <param name="Rendered">The line it takes on its own (<see cref="MemoryRendering.RenderLine"/>).</param>
/// <param name="Entry">What it contributes to a grouped context (<see cref="MemoryRendering.RenderGroupedContext"/>).</param>
internal sealed record IndexedMemory(MemoryRecord Record, string Rendered, ContextEntry Entry)
{
    /// <summary>Builds the index entry of a record.</summary>
    public static IndexedMemory Of(MemoryRecord record) => new(
        record,
        MemoryRendering.RenderLine(record.ValidFrom, record.Provenance.Speaker, record.Text),
        new ContextEntry(record.ValidFrom, record.Provenance.Speaker, record.Text));
}
