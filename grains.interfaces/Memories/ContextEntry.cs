namespace MemOS.Grains.Interfaces.Memories;

/// <summary>One memory as it enters a rendered context (<see cref="MemoryRendering.RenderGroupedContext"/>).</summary>
/// <param name="ValidTime">When the memory was true in the world, or <see langword="null"/>.</param>
/// <param name="Speaker">Who said it, or <see langword="null"/>.</param>
/// <param name="Text">The memory text.</param>
public readonly record struct ContextEntry(DateTimeOffset? ValidTime, string? Speaker, string Text);
