namespace MemOS.Runtime.Storage;

/// <summary>
/// A grain state storage provider: one record per (grain type, state name, grain key), each with an opaque
/// ETag for optimistic concurrency. Implementations generate a fresh random ETag on every write (never a
/// counter), so a record cleared and created again never repeats an ETag a stale writer might still hold.
/// </summary>
/// <remarks>
/// Optimistic-concurrency conflicts surface as <see cref="InconsistentStateException"/>, unwrapped; every other
/// provider failure is logged and wrapped in <see cref="GrainStorageException"/>.
/// </remarks>
public interface IGrainStorage
{
    /// <summary>Prepares the store (creates or migrates its schema). Safe to call more than once; the other
    /// methods call it on first use when the host has not.</summary>
    /// <param name="cancellationToken">Cancels the initialization.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    /// <exception cref="GrainStorageException">The store could not be opened or migrated.</exception>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one record.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="stateName">The state name within the grain.</param>
    /// <param name="grainKey">The grain key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when none is stored.</returns>
    /// <exception cref="GrainStorageException">The provider failed.</exception>
    Task<GrainStorageRecord?> ReadAsync(
        string grainType, string stateName, string grainKey, CancellationToken cancellationToken = default);

    /// <summary>Writes one record if storage still holds <paramref name="expectedEtag"/>.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="stateName">The state name within the grain.</param>
    /// <param name="grainKey">The grain key.</param>
    /// <param name="payload">The serialized state (UTF-8 JSON for the built-in serializer).</param>
    /// <param name="expectedEtag">The ETag the write is based on; <see langword="null"/> to insert a record that
    /// must not exist yet.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The record's new ETag.</returns>
    /// <exception cref="InconsistentStateException">A record exists although <paramref name="expectedEtag"/> is
    /// <see langword="null"/>, or the stored ETag differs from it (or no record exists); nothing was written.</exception>
    /// <exception cref="GrainStorageException">The provider failed.</exception>
    Task<string> WriteAsync(
        string grainType,
        string stateName,
        string grainKey,
        ReadOnlyMemory<byte> payload,
        string? expectedEtag,
        CancellationToken cancellationToken = default);

    /// <summary>Deletes one record if storage still holds <paramref name="expectedEtag"/>.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="stateName">The state name within the grain.</param>
    /// <param name="grainKey">The grain key.</param>
    /// <param name="expectedEtag">The ETag the delete is based on; <see langword="null"/> asserts that no record
    /// exists (then nothing is done).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the record is gone.</returns>
    /// <exception cref="InconsistentStateException">The stored ETag differs from
    /// <paramref name="expectedEtag"/>; nothing was deleted.</exception>
    /// <exception cref="GrainStorageException">The provider failed.</exception>
    Task ClearAsync(
        string grainType, string stateName, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default);

    /// <summary>Streams the records of <paramref name="grainType"/>/<paramref name="stateName"/> whose key starts
    /// with <paramref name="keyPrefix"/>, in ascending key order.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="stateName">The state name within the grain.</param>
    /// <param name="keyPrefix">The key prefix (ordinal); empty for every key.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <returns>The records in ascending key order.</returns>
    /// <exception cref="GrainStorageException">The provider failed.</exception>
    IAsyncEnumerable<GrainStorageRecord> ScanAsync(
        string grainType, string stateName, string keyPrefix, CancellationToken cancellationToken = default);
}
