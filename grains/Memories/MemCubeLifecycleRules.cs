using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Memories;

/// <summary>The MemCube lifecycle state machine (DESIGN.md section 1; MemOS paper section 5).</summary>
/// <remarks>
/// Generated -> Activated -> Merged; Activated &lt;-> Archived; any non-final state -> Expired; any state except
/// Deleted -> Deleted. Expired and Deleted are final except that an Expired cube may still be erased.
/// </remarks>
public static class MemCubeLifecycleRules
{
    /// <summary>Returns whether a cube may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The current state.</param>
    /// <param name="to">The requested state.</param>
    /// <returns><see langword="true"/> when the transition is legal.</returns>
    public static bool CanTransition(MemCubeLifecycle from, MemCubeLifecycle to) => (from, to) switch
    {
        (MemCubeLifecycle.Deleted, _) => false,
        (_, MemCubeLifecycle.Deleted) => true,
        (MemCubeLifecycle.Expired, _) => false,
        (_, MemCubeLifecycle.Expired) => true,
        (MemCubeLifecycle.Generated, MemCubeLifecycle.Activated) => true,
        (MemCubeLifecycle.Activated, MemCubeLifecycle.Merged) => true,
        (MemCubeLifecycle.Activated, MemCubeLifecycle.Archived) => true,
        (MemCubeLifecycle.Archived, MemCubeLifecycle.Activated) => true,
        _ => false,
    };

    /// <summary>Returns whether payload and metadata may still be edited in <paramref name="state"/>.</summary>
    /// <param name="state">The current state.</param>
    /// <returns><see langword="true"/> for Generated, Activated and Archived.</returns>
    public static bool IsEditable(MemCubeLifecycle state)
        => state is MemCubeLifecycle.Generated or MemCubeLifecycle.Activated or MemCubeLifecycle.Archived;
}
