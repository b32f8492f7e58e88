using MemOS.Inference.Gguf;
using MemOS.Inference.KvCache;
using MemOS.Inference.Llama;
using MemOS.Inference.Tests.Llama;

namespace MemOS.Inference.Tests.KvCache;

/// <summary>The KV cache store: hits and misses, LRU eviction under the cap, damaged files, invalidation by key,
/// concurrent writers, and restoring into a context.</summary>
public sealed class KvCacheStoreTests : IDisposable
{
    private static readonly string ModelA = new('a', 64);
    private static readonly string ModelB = new('b', 64);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Put_ThenTryRead_Hits_WithTheEntrysMetadata()
    {
        var store = Open();
        var key = Key("memory-block/v1", 1, 2, 3);
        var state = Bytes(1000, seed: 1);
        var entry = store.Put(key, state)!;
        Assert.Equal((key.Id, ModelA, "memory-block/v1", 3, 1000L), (entry.Id, entry.ModelSha256, entry.Template, entry.TokenCount, entry.SizeBytes));
        Assert.Equal((_clock.GetUtcNow(), _clock.GetUtcNow()), (entry.CreatedAt, entry.LastUsedAt));
        Assert.Equal(key.TokensSha256, entry.TokensSha256);

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(state, store.TryRead(key));
        Assert.Equal(_clock.GetUtcNow(), store.TryGetEntry(key)!.LastUsedAt);
        Assert.Equal(entry.CreatedAt, store.TryGetEntry(key)!.CreatedAt);
        Assert.Null(store.TryRead(Key("memory-block/v1", 1, 2, 4)));
        Assert.Null(store.TryGetEntry(Key("memory-block/v1", 1, 2, 4)));
        Assert.Equal((1, 1000L), (store.Count, store.TotalBytes));
        Assert.True(File.Exists(Path.Combine(_directory.Path, key.Id + ".kv")));
    }

    [Fact]
    public void Put_OverTheCap_EvictsTheLeastRecentlyUsed()
    {
        var store = Open(maxBytes: 3000);
        var a = Key("t", 1);
        var b = Key("t", 2);
        var c = Key("t", 3);
        var d = Key("t", 4);
        store.Put(a, Bytes(1000, 1));
        store.Put(b, Bytes(1000, 2));
        store.Put(c, Bytes(1000, 3));
        Assert.NotNull(store.TryRead(a)); // a is now the most recent: b is the oldest
        store.Put(d, Bytes(1000, 4));

        Assert.Null(store.TryGetEntry(b));
        Assert.False(File.Exists(Path.Combine(_directory.Path, b.Id + ".kv")));
        Assert.Equal([d.Id, a.Id, c.Id], store.GetEntries().Select(e => e.Id));
        Assert.Equal(3000, store.TotalBytes);

        store.Put(a, Bytes(2500, 5)); // replacing a grows it: c and d go, a stays though it alone is near the cap
        Assert.Equal([a.Id], store.GetEntries().Select(e => e.Id));
        Assert.Equal(2500, store.TotalBytes);
        Assert.Single(Directory.GetFiles(_directory.Path));

        Assert.Null(store.Put(b, Bytes(3001, 6))); // larger than the cap: not stored
        Assert.Null(store.TryGetEntry(b));
        Assert.Equal(2500, store.TotalBytes);
        Assert.Equal(3, store.Evictions); // b, then c and d; the refused and the replaced entries are not evictions
        Assert.Null(store.TryRead(b));
        Assert.Equal((1, 1), (store.Hits, store.Misses));
    }

    [Fact]
    public void Reopening_KeepsTheEntriesAndTheirRecency_AndCleansUp()
    {
        var first = Open();
        var a = Key("t", 1);
        var b = Key("t", 2);
        first.Put(a, Bytes(100, 1));
        _clock.Advance(TimeSpan.FromSeconds(10));
        first.Put(b, Bytes(200, 2));
        _clock.Advance(TimeSpan.FromSeconds(10));
        first.TryRead(a);
        File.WriteAllBytes(Path.Combine(_directory.Path, "x.kv.0123.tmp"), [1, 2, 3]); // an unfinished write
        File.WriteAllBytes(Path.Combine(_directory.Path, "notes.txt"), [1]); // not the store's

        var second = Open(maxBytes: 250); // now too small for both: the older of the two goes
        Assert.Equal([a.Id], second.GetEntries().Select(e => e.Id));
        Assert.Equal(Bytes(100, 1), second.TryRead(a));
        Assert.False(File.Exists(Path.Combine(_directory.Path, "x.kv.0123.tmp")));
        Assert.True(File.Exists(Path.Combine(_directory.Path, "notes.txt")));
    }

    [Fact]
    public void TruncatedOrCorruptedFiles_ReadAsMisses_AndAreDeleted()
    {
        var store = Open();
        var truncated = Key("t", 1);
        var flipped = Key("t", 2);
        var header = Key("t", 3);
        store.Put(truncated, Bytes(500, 1));
        store.Put(flipped, Bytes(500, 2));
        store.Put(header, Bytes(500, 3));
        var path = (KvCacheKey k) => Path.Combine(_directory.Path, k.Id + ".kv");

        using (var stream = File.OpenWrite(path(truncated)))
        {
            stream.SetLength(stream.Length - 7);
        }

        var bytes = File.ReadAllBytes(path(flipped));
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(path(flipped), bytes);
        bytes = File.ReadAllBytes(path(header));
        bytes[30] ^= 0x01;
        File.WriteAllBytes(path(header), bytes);

        Assert.Null(store.TryRead(truncated));
        Assert.Null(store.TryRead(flipped));
        Assert.False(File.Exists(path(truncated)));
        Assert.False(File.Exists(path(flipped)));
        Assert.Equal(1, store.Count);

        var reopened = Open(); // a damaged header is found when the store opens
        Assert.Equal(0, reopened.Count);
        Assert.Empty(Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void ANewTemplateOrText_IsAnotherEntry_AndRemoveDropsTheOld()
    {
        var store = Open();
        var v1 = Key("memory-block/v1", 5, 6, 7);
        store.Put(v1, Bytes(100, 1));
        Assert.Null(store.TryRead(Key("memory-block/v2", 5, 6, 7)));
        Assert.Null(store.TryRead(Key("memory-block/v1", 5, 6, 8)));
        Assert.Null(store.TryRead(new KvCacheKey(ModelB, "memory-block/v1", [5, 6, 7])));
        Assert.Equal(v1, Key("memory-block/v1", 5, 6, 7)); // keys are values
        Assert.True(store.Remove(v1));
        Assert.False(store.Remove(v1));
        Assert.Null(store.TryRead(v1));
        Assert.Equal((0, 0L), (store.Count, store.TotalBytes));
    }

    [Fact]
    public void AnEntryFile_ThatHoldsAnotherKeysCache_IsAClearError()
    {
        var store = Open();
        var mine = Key("t", 1);
        var other = new KvCacheKey(ModelB, "t", [1]);
        store.Put(mine, Bytes(100, 1));
        store.Put(other, Bytes(100, 2));
        File.Copy(Path.Combine(_directory.Path, other.Id + ".kv"), Path.Combine(_directory.Path, mine.Id + ".kv"), overwrite: true);

        var error = Assert.Throws<KvCacheException>(() => store.TryRead(mine));
        Assert.Contains(ModelB, error.Message, StringComparison.Ordinal);
        Assert.Contains(ModelA, error.Message, StringComparison.Ordinal);
        Assert.Null(store.TryGetEntry(mine));
        Assert.NotNull(store.TryRead(other));
    }

    [Fact]
    public void ConcurrentWritersAndReaders_LeaveAConsistentStore()
    {
        var store = Open(maxBytes: 20_000);
        var keys = Enumerable.Range(0, 8).Select(i => Key("t", i)).ToArray();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var key = keys[i % keys.Length];
            if (i % 3 == 0)
            {
                var state = store.TryRead(key);
                Assert.True(state is null || state.SequenceEqual(Bytes(1000, i % keys.Length))); // never a torn or mixed state
            }
            else
            {
                store.Put(key, Bytes(1000, i % keys.Length));
            }
        });

        var files = Directory.GetFiles(_directory.Path);
        Assert.All(files, f => Assert.EndsWith(".kv", f, StringComparison.Ordinal));
        Assert.Equal(store.Count, files.Length);
        Assert.Equal(store.TotalBytes, store.GetEntries().Sum(e => e.SizeBytes));
        Assert.InRange(store.TotalBytes, 1000, 20_000);
        foreach (var key in keys.Where(k => store.TryGetEntry(k) is not null))
        {
            Assert.Equal(Bytes(1000, Array.IndexOf(keys, key)), store.TryRead(key));
        }
    }

    [Fact]
    public void TryRestore_PutsTheCachedMemoryBack_AndRefusesAnotherModel()
    {
        var model = LlamaTestAssets.Stories();
        var memory = model.Tokenize("Once upon a time, there was a little girl named Lily.");
        var query = model.Tokenize(" She", addSpecial: false);
        var options = new LlamaContextOptions { ContextTokens = 128, Threads = 1 };
        var store = Open();
        var key = new KvCacheKey(model.Sha256, "story/v1", memory);
        var expected = new float[model.VocabularySize];
        using (var context = model.CreateContext(options))
        {
            context.Prefill(memory, outputLast: false);
            store.Put(key, context.SaveSequenceState(0));
            context.Prefill(query);
            context.CopyLogits(-1, expected);
        }

        using var fresh = model.CreateContext(options);
        Assert.Null(store.TryRestore(new KvCacheKey(model.Sha256, "story/v2", memory), fresh));
        Assert.Equal(memory.Length, store.TryRestore(key, fresh));
        fresh.Prefill(query);
        var actual = new float[model.VocabularySize];
        fresh.CopyLogits(-1, actual);
        Assert.Equal(expected, actual);

        using var tiny = LlamaModel.Load(SyntheticLlamaModel.GetOrCreate(SyntheticLlamaConfig.Tiny, _directory.Path + "-models"));
        using var other = tiny.CreateContext(options);
        var error = Assert.Throws<KvCacheException>(() => store.TryRestore(key, other));
        Assert.Contains(tiny.Sha256, error.Message, StringComparison.Ordinal);
        Directory.Delete(_directory.Path + "-models", recursive: true);
    }

    [Fact]
    public void Keys_AndOptions_RefuseBadValues()
    {
        Assert.Throws<ArgumentException>(() => new KvCacheKey("ABC", "t", [1]));
        Assert.Throws<ArgumentException>(() => new KvCacheKey(new string('A', 64), "t", [1]));
        Assert.Throws<ArgumentException>(() => new KvCacheKey(ModelA, "t", []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Open(maxBytes: 0));
        Assert.Throws<ArgumentException>(() => Open().Put(Key("t", 1), []));
    }

    private KvCacheStore Open(long maxBytes = 1 << 20) =>
        new(new KvCacheStoreOptions { Directory = _directory.Path, MaxBytes = maxBytes }, _clock);

    private static KvCacheKey Key(string template, params int[] tokens) => new(ModelA, template, tokens);

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
