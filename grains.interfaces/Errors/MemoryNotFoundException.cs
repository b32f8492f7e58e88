namespace MemOS.Grains.Interfaces.Errors;

/// <summary>The MemCube does not exist (or was erased) in the caller's space. HTTP 404.</summary>
/// <param name="cubeId">The id that was asked for.</param>
public sealed class MemoryNotFoundException(string cubeId)
    : MemOSException($"Memory '{cubeId}' was not found.")
{
    /// <summary>The id that was asked for.</summary>
    public string CubeId { get; } = cubeId;
}
