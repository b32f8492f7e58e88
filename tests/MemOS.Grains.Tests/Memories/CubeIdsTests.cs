using MemOS.Grains.Interfaces;
using MemOS.Grains.Memories;

namespace MemOS.Grains.Tests.Memories;

public sealed class CubeIdsTests
{
    [Fact]
    public void New_Is26CrockfordCharacters_AndAValidCubeId()
    {
        var id = CubeIds.New(DateTimeOffset.UtcNow);
        Assert.Equal(26, id.Length);
        Assert.All(id, c => Assert.Contains(c, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"));
        Assert.True(MemCubeKeys.IsValidCubeId(id));
    }

    [Fact]
    public void New_SortsByCreationTime()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 50).Select(i => CubeIds.New(t.AddMilliseconds(i * 7))).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(50, ids.Distinct().Count());
    }

    [Fact]
    public void New_EncodesTheTimestampInTheFirstTenCharacters()
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(1_469_918_176_385);
        Assert.StartsWith("01ARYZ6S41", CubeIds.New(t));
    }

    [Fact]
    public void NewSequence_AfterAnId_ContinuesPastIt_WhenTheClockHasNotMoved()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var previous = new List<string>();
        string? last = null;
        for (var batch = 0; batch < 200; batch++)
        {
            // The same millisecond every time, and sometimes a clock that went back.
            var ids = CubeIds.NewSequence(batch % 7 == 6 ? t.AddSeconds(-5) : t, 3, last);
            previous.AddRange(ids);
            last = ids[^1];
        }

        Assert.Equal(previous.Order(StringComparer.Ordinal), previous);
        Assert.Equal(previous.Count, previous.Distinct().Count());
    }

    [Fact]
    public void NewSequence_AfterAnOlderId_StartsFromTheClock()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var old = CubeIds.NewSequence(t, 1)[0];
        var later = CubeIds.NewSequence(t.AddSeconds(1), 2, old);
        Assert.Equal(CubeIds.New(t.AddSeconds(1))[..10], later[0][..10]);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("01ARYZ6S41UUUUUUUUUUUUUUUU")]
    public void NewSequence_RefusesAMalformedPreviousId(string after)
        => Assert.Throws<ArgumentException>(() => CubeIds.NewSequence(DateTimeOffset.UtcNow, 1, after));
}
