using System.Text;
using MemOS.Runtime.Storage;

namespace MemOS.Runtime.Tests;

/// <summary>The behaviour every <see cref="IGrainStorage"/> provider must share; one derived class per provider.</summary>
public abstract class GrainStorageContractTests : IDisposable
{
    private const string Type = "counter";
    private const string State = "counter";

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract IGrainStorage Storage { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    [Fact]
    public async Task Read_MissingRecord_ReturnsNull()
    {
        Assert.Null(await Storage.ReadAsync(Type, State, "missing", Ct));
    }

    [Fact]
    public async Task Write_NullEtagThenRead_ReturnsPayloadAndTheReturnedEtag()
    {
        var etag = await Storage.WriteAsync(Type, State, "k", Payload("one"), null, Ct);

        var record = await Storage.ReadAsync(Type, State, "k", Ct);

        Assert.NotNull(record);
        Assert.Equal("one", Text(record.Payload));
        Assert.Equal(etag, record.Etag);
        Assert.Matches("^[0-9a-f]{32}$", etag);
    }

    [Fact]
    public async Task Write_NullEtagWhenRecordExists_ThrowsInconsistentStateAndKeepsRecord()
    {
        var first = await Storage.WriteAsync(Type, State, "k", Payload("first"), null, Ct);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(Type, State, "k", Payload("second"), null, Ct));

        Assert.Equal(first, error.StoredEtag);
        Assert.Null(error.CurrentEtag);
        Assert.Equal("first", Text((await Storage.ReadAsync(Type, State, "k", Ct))!.Payload));
    }

    [Fact]
    public async Task Write_TwoWritersFromSameEtag_SecondThrowsAndFirstWritersValueIsStored()
    {
        var common = await Storage.WriteAsync(Type, State, "k", Payload("base"), null, Ct);

        var winner = await Storage.WriteAsync(Type, State, "k", Payload("writer A"), common, Ct);
        var error = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(Type, State, "k", Payload("writer B"), common, Ct));

        Assert.Equal(winner, error.StoredEtag);
        Assert.Equal(common, error.CurrentEtag);
        var stored = await Storage.ReadAsync(Type, State, "k", Ct);
        Assert.Equal("writer A", Text(stored!.Payload));
        Assert.Equal(winner, stored.Etag);
    }

    [Fact]
    public async Task Write_WithEtagWhenNoRecord_ThrowsInconsistentState()
    {
        var error = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(Type, State, "k", Payload("x"), "0123456789abcdef0123456789abcdef", Ct));

        Assert.Null(error.StoredEtag);
        Assert.Null(await Storage.ReadAsync(Type, State, "k", Ct));
    }

    [Fact]
    public async Task Clear_StaleEtag_ThrowsAndKeepsRecord()
    {
        var stale = await Storage.WriteAsync(Type, State, "k", Payload("v1"), null, Ct);
        var current = await Storage.WriteAsync(Type, State, "k", Payload("v2"), stale, Ct);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Type, State, "k", stale, Ct));

        Assert.Equal(current, error.StoredEtag);
        Assert.Equal("v2", Text((await Storage.ReadAsync(Type, State, "k", Ct))!.Payload));
    }

    [Fact]
    public async Task Clear_CurrentEtag_RemovesRecord()
    {
        var etag = await Storage.WriteAsync(Type, State, "k", Payload("v1"), null, Ct);

        await Storage.ClearAsync(Type, State, "k", etag, Ct);

        Assert.Null(await Storage.ReadAsync(Type, State, "k", Ct));
    }

    [Fact]
    public async Task Clear_NullEtag_DoesNothingWithoutRecordAndThrowsWithOne()
    {
        await Storage.ClearAsync(Type, State, "absent", null, Ct);
        await Storage.WriteAsync(Type, State, "present", Payload("v"), null, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Type, State, "present", null, Ct));
    }

    [Fact]
    public async Task Write_EtagFromBeforeClearAndRecreate_IsRejected()
    {
        var old = await Storage.WriteAsync(Type, State, "k", Payload("v1"), null, Ct);
        await Storage.ClearAsync(Type, State, "k", old, Ct);
        var recreated = await Storage.WriteAsync(Type, State, "k", Payload("v1 again"), null, Ct);

        // A counter-based ETag would repeat here and let the stale writer overwrite the new record (ABA).
        Assert.NotEqual(old, recreated);
        var error = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(Type, State, "k", Payload("stale writer"), old, Ct));
        Assert.Equal(recreated, error.StoredEtag);
        Assert.Equal("v1 again", Text((await Storage.ReadAsync(Type, State, "k", Ct))!.Payload));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("a%")]
    [InlineData("a_")]
    [InlineData("tenant1/")]
    [InlineData("tenant1/space\u00e9/")]
    [InlineData("z\uFFFF")]
    [InlineData("nothing-matches")]
    public async Task Scan_ByPrefix_ReturnsExactlyMatchingKeysInOrdinalOrder(string prefix)
    {
        string[] keys =
        [
            "a", "ab", "abc", "abd", "ac", "a%b", "a_b", "axb", "b", "B", "tenant1/x", "tenant1/y", "tenant10/x",
            "tenant1/space\u00e9/1", "tenant1/space\u00e9/2", "tenant1/spacee/1", "z\uFFFF", "z\uFFFFa", "z\uFFFE",
        ];
        foreach (var key in keys.Reverse())
        {
            await Storage.WriteAsync(Type, State, key, Payload(key), null, Ct);
        }

        // Same keys under another state name and another grain type must never appear.
        await Storage.WriteAsync(Type, "other", "a", Payload("other state"), null, Ct);
        await Storage.WriteAsync("othertype", State, "a", Payload("other type"), null, Ct);

        var scanned = new List<GrainStorageRecord>();
        await foreach (var record in Storage.ScanAsync(Type, State, prefix, Ct))
        {
            scanned.Add(record);
        }

        var expected = keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, scanned.Select(static r => r.GrainKey));
        Assert.All(scanned, static r => Assert.Equal(r.GrainKey, Text(r.Payload)));
    }

    protected static byte[] Payload(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> payload) => Encoding.UTF8.GetString(payload.Span);
}
