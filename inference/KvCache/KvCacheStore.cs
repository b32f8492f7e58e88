using System.IO.Hashing;
using MemOS.Inference.Llama;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemOS.Inference.KvCache;

/// <summary>
/// A local, content-addressed, size-capped store of KV caches (saved sequence states of
/// <see cref="LlamaContext.SaveSequenceState(int)"/>): the activation memory's storage. An entry is named by its
/// <see cref="KvCacheKey"/> (model hash, template, tokens), carries its metadata (<see cref="KvCacheEntry"/>), and is
/// evicted least recently used first when the store would exceed <see cref="KvCacheStoreOptions.MaxBytes"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>One file per entry, <c>&lt;id&gt;.kv</c> in <see cref="KvCacheStoreOptions.Directory"/>, with a checksummed
/// header and payload (the format is described on the internal <c>KvCacheFile</c>). A damaged file (torn, truncated,
/// altered) reads as a miss and is deleted; so is any file that is not a valid entry when the store opens.</item>
/// <item>Writes go to a temporary file that is renamed over the entry, so a reader sees the old file or the new one,
/// never half of one; concurrent writers of one key leave one complete entry. Thread-safe within one process (one
/// store per directory: the index of entries and their total size lives in memory, loaded from the files'
/// headers when the store opens).</item>
/// <item>Recency is the entries' last write or read, kept as the file's modification time across restarts; ties go to
/// the order of use within the process.</item>
/// <item>Invalidation is by key: a new version of a memory's text is another key, so its old entry is no longer read
/// and ages out, or is dropped at once with <see cref="Remove"/>.</item>
/// </list>
/// </remarks>
public sealed partial class KvCacheStore
{
    private const string Extension = ".kv";
    private const string TemporaryExtension = ".tmp";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _totalBytes;
    private long _useCounter;
    private long _generations;
    private long _hits;
    private long _misses;
    private long _evictions;

    /// <summary>Opens (or creates) the store in a directory, indexing the entries already there.</summary>
    /// <param name="options">The directory and the size cap.</param>
    /// <param name="timeProvider">The clock for created and last-used times; <see cref="TimeProvider.System"/> when
    /// null.</param>
    /// <param name="logger">Where evictions and damaged entries are logged; none when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The directory is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="KvCacheStoreOptions.MaxBytes"/> is below 1.</exception>
    /// <exception cref="IOException">The directory cannot be created or listed.</exception>
    public KvCacheStore(KvCacheStoreOptions options, TimeProvider? timeProvider = null, ILogger<KvCacheStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory, nameof(options.Directory));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytes, 1, nameof(options.MaxBytes));
        Directory = Path.GetFullPath(options.Directory);
        MaxBytes = options.MaxBytes;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        System.IO.Directory.CreateDirectory(Directory);
        LoadIndex();
        lock (_lock)
        {
            EvictOverCap(keep: null);
        }
    }

    /// <summary>The cache directory (full path).</summary>
    public string Directory { get; }

    /// <summary>The most bytes of cached state kept.</summary>
    public long MaxBytes { get; }

    /// <summary>The bytes of cached state now kept (the sum of <see cref="KvCacheEntry.SizeBytes"/>).</summary>
    public long TotalBytes
    {
        get
        {
            lock (_lock)
            {
                return _totalBytes;
            }
        }
    }

    /// <summary>The number of entries.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The reads (<see cref="TryRead"/>, <see cref="TryRestore"/>) that found their entry, since the store
    /// opened.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>The reads that found no entry, or a damaged one, since the store opened.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The entries evicted to stay within <see cref="MaxBytes"/> since the store opened (removals by
    /// <see cref="Remove"/> are not evictions).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>A snapshot of the entries, most recently used first.</summary>
    /// <returns>The entries.</returns>
    public IReadOnlyList<KvCacheEntry> GetEntries()
    {
        lock (_lock)
        {
            return [.. _entries.Values.OrderByDescending(s => s.Use).Select(s => s.Entry)];
        }
    }

    /// <summary>The metadata of a key's entry, without reading it (its recency is unchanged).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The entry, or <see langword="null"/> when the store has none for the key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public KvCacheEntry? TryGetEntry(KvCacheKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return _entries.TryGetValue(key.Id, out var slot) ? slot.Entry : null;
        }
    }

    /// <summary>Stores a state under a key (replacing an entry it had), then evicts least recently used entries until
    /// the store fits <see cref="MaxBytes"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="state">The saved sequence state.</param>
    /// <returns>The new entry, or <see langword="null"/> when the state alone is larger than <see cref="MaxBytes"/>
    /// (nothing is stored then, and an older entry of the key is removed).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="state"/> is empty.</exception>
    /// <exception cref="IOException">The file could not be written (the store is unchanged).</exception>
    public KvCacheEntry? Put(KvCacheKey key, ReadOnlySpan<byte> state)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (state.IsEmpty)
        {
            throw new ArgumentException("The state is empty.", nameof(state));
        }

        if (state.Length > MaxBytes)
        {
            Remove(key);
            LogTooLarge(_logger, key.Id, state.Length, MaxBytes);
            return null;
        }

        var now = _time.GetUtcNow();
        var header = new KvCacheFileHeader(
            key.Id, key.ModelSha256, key.Template, key.TokenCount, key.TokensSha256, state.Length, XxHash3.HashToUInt64(state), now);
        var path = PathOf(key.Id);
        var temporary = $"{path}.{Guid.NewGuid():N}{TemporaryExtension}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                KvCacheFile.Write(stream, header, state);
            }

            File.SetLastWriteTimeUtc(temporary, now.UtcDateTime);
            var entry = new KvCacheEntry(key.Id, key.ModelSha256, key.Template, key.TokenCount, key.TokensSha256, state.Length, now, now);
            lock (_lock)
            {
                // Renaming under the lock keeps the index and the directory in step.
                File.Move(temporary, path, overwrite: true);
                if (_entries.Remove(key.Id, out var old))
                {
                    _totalBytes -= old.Entry.SizeBytes;
                }

                _entries[key.Id] = new Slot(entry, ++_useCounter, ++_generations);
                _totalBytes += entry.SizeBytes;
                EvictOverCap(keep: key.Id);
            }

            return entry;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads a key's state, marking the entry used.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The state, or <see langword="null"/> on a miss: no entry, or a damaged one (which is deleted).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="KvCacheException">The entry's file holds the cache of another model, template or token
    /// sequence than the key names (a file copied or renamed by hand); the entry is deleted.</exception>
    public byte[]? TryRead(KvCacheKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Slot slot;
        lock (_lock)
        {
            if (!_entries.TryGetValue(key.Id, out slot!))
            {
                Interlocked.Increment(ref _misses);
                return null;
            }
        }

        KvCacheFileHeader? header;
        byte[]? payload = null;
        try
        {
            using var stream = new FileStream(PathOf(key.Id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            header = KvCacheFile.ReadHeader(stream);
            if (header is not null && Matches(header, key))
            {
                payload = KvCacheFile.ReadPayload(stream, header);
            }
        }
        catch (FileNotFoundException)
        {
            Forget(key.Id, slot.Generation, deleteFile: false); // evicted or deleted meanwhile
            Interlocked.Increment(ref _misses);
            return null;
        }

        if (header is not null && !Matches(header, key))
        {
            Interlocked.Increment(ref _misses);
            Forget(key.Id, slot.Generation, deleteFile: true);
            throw new KvCacheException(
                $"The KV cache entry {key.Id} holds a cache of model {header.ModelSha256}, template '{header.Template}' and " +
                $"{header.TokenCount} tokens ({header.TokensSha256}); its key names model {key.ModelSha256}, template " +
                $"'{key.Template}' and {key.TokenCount} tokens ({key.TokensSha256}). The entry was deleted.");
        }

        if (payload is null)
        {
            LogDamaged(_logger, key.Id);
            Forget(key.Id, slot.Generation, deleteFile: true);
            Interlocked.Increment(ref _misses);
            return null;
        }

        Interlocked.Increment(ref _hits);
        Touch(key.Id, slot.Generation);
        return payload;
    }

    /// <summary>Restores a key's state into a sequence of a context: the activation-memory hit path.</summary>
    /// <param name="key">The key.</param>
    /// <param name="context">The context; its model must be the key's.</param>
    /// <param name="sequenceId">The sequence (its memory is replaced). Default 0.</param>
    /// <returns>The sequence's next position (the key's token count, for a cache of tokens from position 0), or
    /// <see langword="null"/> on a miss (see <see cref="TryRead"/>).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="KvCacheException">The context runs another model than the key names, or the entry's file does
    /// not match its key (see <see cref="TryRead"/>).</exception>
    /// <exception cref="LlamaException">llama.cpp refused the state (another cache layout; see
    /// <see cref="LlamaContext.RestoreSequenceState"/>); the entry is kept.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceId"/> is not a sequence of the context.</exception>
    public int? TryRestore(KvCacheKey key, LlamaContext context, int sequenceId = 0)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model.Sha256 != key.ModelSha256)
        {
            throw new KvCacheException(
                $"The KV cache {key} was computed with model {key.ModelSha256}; the context runs " +
                $"{Path.GetFileName(context.Model.Path)} ({context.Model.Sha256}). A KV cache restores only into its own model.");
        }

        var state = TryRead(key);
        return state is null ? null : context.RestoreSequenceState(sequenceId, state);
    }

    /// <summary>Deletes a key's entry.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether the store had an entry for it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool Remove(KvCacheKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            if (!_entries.Remove(key.Id, out var slot))
            {
                return false;
            }

            _totalBytes -= slot.Entry.SizeBytes;
            DeleteQuietly(PathOf(key.Id));
            return true;
        }
    }

    private static bool Matches(KvCacheFileHeader header, KvCacheKey key) =>
        header.Id == key.Id && header.ModelSha256 == key.ModelSha256 && header.Template == key.Template
        && header.TokenCount == key.TokenCount && header.TokensSha256 == key.TokensSha256;

    private string PathOf(string id) => Path.Combine(Directory, id + Extension);

    private void LoadIndex()
    {
        var found = new List<(KvCacheEntry Entry, DateTime LastWrite)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(TemporaryExtension, StringComparison.Ordinal))
            {
                DeleteQuietly(path); // left by a write that did not finish
                continue;
            }

            if (!name.EndsWith(Extension, StringComparison.Ordinal))
            {
                continue; // not ours
            }

            KvCacheFileHeader? header;
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
                header = KvCacheFile.ReadHeader(stream);
            }
            catch (IOException)
            {
                header = null;
            }

            var id = name[..^Extension.Length];
            if (header is null || header.Id != id
                || KvCacheKey.ComputeId(header.ModelSha256, header.Template, header.TokensSha256) != id)
            {
                LogDamaged(_logger, id);
                DeleteQuietly(path);
                continue;
            }

            var lastWrite = File.GetLastWriteTimeUtc(path);
            found.Add((new KvCacheEntry(
                id, header.ModelSha256, header.Template, header.TokenCount, header.TokensSha256, header.PayloadBytes,
                header.CreatedAt, new DateTimeOffset(lastWrite, TimeSpan.Zero)), lastWrite));
        }

        lock (_lock)
        {
            foreach (var (entry, _) in found.OrderBy(f => f.LastWrite).ThenBy(f => f.Entry.Id, StringComparer.Ordinal))
            {
                _entries[entry.Id] = new Slot(entry, ++_useCounter, ++_generations);
                _totalBytes += entry.SizeBytes;
            }
        }
    }

    // Under the lock.
    private void EvictOverCap(string? keep)
    {
        while (_totalBytes > MaxBytes)
        {
            Slot? oldest = null;
            foreach (var slot in _entries.Values)
            {
                if (slot.Entry.Id != keep && (oldest is null || slot.Use < oldest.Use))
                {
                    oldest = slot;
                }
            }

            if (oldest is null)
            {
                return;
            }

            _entries.Remove(oldest.Entry.Id);
            _totalBytes -= oldest.Entry.SizeBytes;
            DeleteQuietly(PathOf(oldest.Entry.Id));
            Interlocked.Increment(ref _evictions);
            LogEvicted(_logger, oldest.Entry.Id, oldest.Entry.SizeBytes, _totalBytes, MaxBytes);
        }
    }

    private void Touch(string id, long generation)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(id, out var slot) && slot.Generation == generation)
            {
                _entries[id] = slot with { Entry = slot.Entry with { LastUsedAt = now }, Use = ++_useCounter };
                try
                {
                    File.SetLastWriteTimeUtc(PathOf(id), now.UtcDateTime);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Recency across restarts is best effort; the in-memory order is already updated.
                }
            }
        }
    }

    // Drops an entry that was found missing or damaged, unless a newer write replaced it meanwhile.
    private void Forget(string id, long generation, bool deleteFile)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(id, out var slot) && slot.Generation == generation)
            {
                _entries.Remove(id);
                _totalBytes -= slot.Entry.SizeBytes;
                if (deleteFile)
                {
                    DeleteQuietly(PathOf(id));
                }
            }
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A file that cannot be deleted now is found and deleted again when the store next opens.
        }
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Debug,
        Message = "Evicted KV cache {EntryId} ({SizeBytes} bytes): the store holds {TotalBytes} of at most {MaxBytes} bytes")]
    private static partial void LogEvicted(ILogger logger, string entryId, long sizeBytes, long totalBytes, long maxBytes);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "KV cache entry {EntryId} is damaged: it reads as a miss and was deleted")]
    private static partial void LogDamaged(ILogger logger, string entryId);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning,
        Message = "KV cache {EntryId} of {SizeBytes} bytes is larger than the store's {MaxBytes}: not stored")]
    private static partial void LogTooLarge(ILogger logger, string entryId, long sizeBytes, long maxBytes);

    private sealed record Slot(KvCacheEntry Entry, long Use, long Generation);
}
