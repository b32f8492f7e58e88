namespace MemOS.Runtime.Storage;

/// <summary>One stored grain state record as an <see cref="IGrainStorage"/> provider returns it.</summary>
/// <param name="GrainKey">The key of the grain owning the record.</param>
/// <param name="Payload">The serialized state, as written.</param>
/// <param name="Etag">The record's current ETag.</param>
public sealed record GrainStorageRecord(string GrainKey, ReadOnlyMemory<byte> Payload, string Etag);
