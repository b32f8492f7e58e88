using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Grains.Interfaces.Errors;

/// <summary>The requested lifecycle transition is not allowed from the cube's current state. HTTP 409.</summary>
/// <param name="cubeId">The cube.</param>
/// <param name="current">Its current state.</param>
/// <param name="requested">The state asked for.</param>
public sealed class InvalidLifecycleTransitionException(string cubeId, MemCubeLifecycle current, MemCubeLifecycle requested)
    : MemOSException($"Memory '{cubeId}' cannot go from {current} to {requested}.")
{
    /// <summary>The cube.</summary>
    public string CubeId { get; } = cubeId;

    /// <summary>Its current state.</summary>
    public MemCubeLifecycle Current { get; } = current;

    /// <summary>The state asked for.</summary>
    public MemCubeLifecycle Requested { get; } = requested;
}
