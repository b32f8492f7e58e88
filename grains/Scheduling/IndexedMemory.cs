using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Scheduling;

/// <summary>A memory as the MemScheduler holds it in its index: the cube's current record and its context line.</summary>
/// <param name="Record">The cube at the version indexed.</param>
/// <param name="Rendered">The line it takes in a context (<see cref="MemoryRendering.RenderLine"/>).</param>
internal sealed record IndexedMemory(MemoryRecord Record, string Rendered)
{
    /// <summary>Builds the index entry of a record.</summary>
    public static IndexedMemory Of(MemoryRecord record)
        => new(record, MemoryRendering.RenderLine(record.ValidFrom, record.Provenance.Speaker, record.Text));
}
