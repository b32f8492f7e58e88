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
}
