using System.Net.Sockets;
using Npgsql;

namespace MemOS.Runtime.Postgres;

/// <summary>Which PostgreSQL failures are worth retrying.</summary>
internal static class PostgresErrors
{
    /// <summary>Whether retrying the failed operation may succeed: the server could not be reached or dropped the
    /// connection, is starting or shutting down, is out of connections or other resources, or aborted the
    /// transaction for a serialization failure or deadlock. Npgsql's own <see cref="NpgsqlException.IsTransient"/>
    /// counts too.</summary>
    /// <param name="exception">The Npgsql failure.</param>
    /// <returns><see langword="true"/> for a transient failure.</returns>
    public static bool IsTransient(NpgsqlException exception)
    {
        if (exception.IsTransient || exception.InnerException is IOException or SocketException or TimeoutException)
        {
            return true;
        }

        var state = exception.SqlState;
        return state is not null && (
            state.StartsWith("08", StringComparison.Ordinal)      // connection exception
            || state.StartsWith("53", StringComparison.Ordinal)   // insufficient resources: 53300 too many connections, disk full, out of memory
            || state is PostgresErrorCodes.SerializationFailure   // 40001
                or PostgresErrorCodes.DeadlockDetected            // 40P01
                or PostgresErrorCodes.LockNotAvailable            // 55P03
                or PostgresErrorCodes.AdminShutdown               // 57P01
                or PostgresErrorCodes.CrashShutdown               // 57P02
                or PostgresErrorCodes.CannotConnectNow);          // 57P03: the server is starting or in recovery
    }
}
