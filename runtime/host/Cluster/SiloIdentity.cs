using System.Reflection;

namespace MemOS.Runtime.Cluster;

/// <summary>What identifies this silo process: its id and start time, and the MemOS version it runs.</summary>
public static class SiloIdentity
{
    /// <summary>The MemOS version (the runtime assembly's informational version).</summary>
    public static string Version { get; } =
        typeof(SiloIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Creates a silo id unique per process start: <c>{host}-{pid}-{6 random hex digits}</c>, lower case.</summary>
    /// <returns>The id.</returns>
    public static string NewSiloId()
        => $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
