namespace MemOS;

/// <summary>
/// The root of every exception MemOS throws on purpose (misuse of an API throws the standard
/// <see cref="ArgumentException"/> family instead), after Npgsql's <c>NpgsqlException</c>.
/// </summary>
public class MemOSException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong, for a person to read.</param>
    public MemOSException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong, for a person to read.</param>
    /// <param name="innerException">The underlying failure.</param>
    public MemOSException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>
    /// <see langword="true"/> when the same operation may succeed if retried unchanged (a timeout, a lost
    /// connection); <see langword="false"/> for conflicts and invalid requests. Default: <see langword="false"/>.
    /// </summary>
    public virtual bool IsTransient => false;
}
