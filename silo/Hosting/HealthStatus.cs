namespace MemOS.Silo.Hosting;

/// <summary>Answer of <c>/healthz</c>.</summary>
/// <param name="Status"><c>healthy</c> while the silo serves requests.</param>
public sealed record HealthStatus(string Status);
