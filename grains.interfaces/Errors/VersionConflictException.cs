namespace MemOS.Grains.Interfaces.Errors;

/// <summary>A write was based on a version of a MemCube that is no longer current (HTTP 412 when it came from
/// <c>If-Match</c>). Nothing was written; read the memory again and retry.</summary>
/// <param name="cubeId">The cube.</param>
/// <param name="expectedVersion">The version the write was based on.</param>
/// <param name="currentVersion">The version now stored.</param>
public sealed class VersionConflictException(string cubeId, long expectedVersion, long currentVersion)
    : MemOSException($"Memory '{cubeId}' is at version {currentVersion}, not {expectedVersion}; read it again and retry.")
{
    /// <summary>The cube.</summary>
    public string CubeId { get; } = cubeId;

    /// <summary>The version the write was based on.</summary>
    public long ExpectedVersion { get; } = expectedVersion;

    /// <summary>The version now stored.</summary>
    public long CurrentVersion { get; } = currentVersion;
}
