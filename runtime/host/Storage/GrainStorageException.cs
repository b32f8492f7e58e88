namespace MemOS.Runtime.Storage;

/// <summary>A grain storage provider failed for a reason other than an ETag conflict (those throw
/// <see cref="InconsistentStateException"/>): the store is unreachable, busy, corrupt, of a newer schema, or a
/// payload could not be (de)serialized.</summary>
public sealed class GrainStorageException : MemOSException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the operation and the record.</param>
    /// <param name="innerException">The provider's exception, if any.</param>
    /// <param name="isTransient"><see langword="true"/> when retrying the same operation may succeed
    /// (the database was busy or locked).</param>
    public GrainStorageException(string message, Exception? innerException, bool isTransient)
        : base(message, innerException)
    {
        _isTransient = isTransient;
    }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
