namespace MemOS.Runtime.Storage;

/// <summary>A grain storage provider that can remove the leftover copies of erased records from its files (journals,
/// free pages), so that an erasure leaves no copy of the erased data on disk. Erasure routes call it after erasing.</summary>
public interface IGrainStorageCompaction
{
    /// <summary>Removes what erased or overwritten records left behind in the store's files.</summary>
    /// <param name="cancellationToken">Cancels the compaction.</param>
    /// <returns>Whether the store is now free of such copies (false when a concurrent reader kept part of it, for a
    /// later compaction).</returns>
    /// <exception cref="GrainStorageException">The provider failed.</exception>
    Task<bool> CompactAsync(CancellationToken cancellationToken = default);
}
