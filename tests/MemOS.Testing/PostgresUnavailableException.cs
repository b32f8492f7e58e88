namespace MemOS.Testing;

/// <summary>No PostgreSQL server could be started for the tests; the message says why and what would fix it.</summary>
public sealed class PostgresUnavailableException(string message) : Exception(message);
