namespace MemOS.Runtime.Cluster;

/// <summary>The wire names of <see cref="SiloStatus"/> values (membership table, REST API, metric tags).</summary>
public static class SiloStatuses
{
    /// <summary><see cref="SiloStatus.Joining"/>.</summary>
    public const string Joining = "joining";

    /// <summary><see cref="SiloStatus.Active"/>.</summary>
    public const string Active = "active";

    /// <summary><see cref="SiloStatus.ShuttingDown"/>.</summary>
    public const string ShuttingDown = "shutting_down";

    /// <summary><see cref="SiloStatus.Dead"/>.</summary>
    public const string Dead = "dead";

    /// <summary>Every status, in lifecycle order.</summary>
    public static IReadOnlyList<SiloStatus> All { get; } = [SiloStatus.Joining, SiloStatus.Active, SiloStatus.ShuttingDown, SiloStatus.Dead];

    /// <summary>The wire name of a status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Its name, e.g. <c>shutting_down</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined status.</exception>
    public static string ToName(this SiloStatus status) => status switch
    {
        SiloStatus.Joining => Joining,
        SiloStatus.Active => Active,
        SiloStatus.ShuttingDown => ShuttingDown,
        SiloStatus.Dead => Dead,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a silo status."),
    };

    /// <summary>Parses a wire name.</summary>
    /// <param name="name">The name, e.g. <c>active</c>.</param>
    /// <returns>The status.</returns>
    /// <exception cref="FormatException">Not a status name.</exception>
    public static SiloStatus Parse(string name) => name switch
    {
        Joining => SiloStatus.Joining,
        Active => SiloStatus.Active,
        ShuttingDown => SiloStatus.ShuttingDown,
        Dead => SiloStatus.Dead,
        _ => throw new FormatException($"'{name}' is not a silo status (joining, active, shutting_down, dead)."),
    };

    /// <summary>Whether a silo in <paramref name="status"/> owns grains: <see cref="SiloStatus.Active"/> and
    /// <see cref="SiloStatus.ShuttingDown"/> (a stopping silo keeps its share until it has deactivated it, so no other
    /// silo activates a grain that it still holds).</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for a placement candidate.</returns>
    public static bool OwnsGrains(this SiloStatus status) => status is SiloStatus.Active or SiloStatus.ShuttingDown;
}
