namespace MemOS.Evaluation.Tests;

public sealed class PercentilesTests
{
    [Theory]
    [InlineData(50, 50)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(0, 1)]
    [InlineData(0.5, 1)]
    [InlineData(1, 1)]
    [InlineData(1.5, 2)]
    public void NearestRank_OneToHundred_IsValueAtRank(double percentile, double expected)
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse();

        Assert.Equal(expected, Percentiles.NearestRank(values, percentile));
    }

    [Fact]
    public void NearestRank_FewerThanHundredValues_P99IsMaximum()
    {
        Assert.Equal(9.5, Percentiles.NearestRank([3, 9.5, 1, 2], 99));
        Assert.Equal(2, Percentiles.NearestRank([3, 9.5, 1, 2], 50));
        Assert.Equal(7, Percentiles.NearestRank([7], 50));
    }

    [Fact]
    public void NearestRank_SeveralPercentiles_MatchSingleCalls()
    {
        double[] values = [5, 1, 4, 4, 8, 2, 9, 7, 3, 6, 10];

        Assert.Equal([Percentiles.NearestRank(values, 50), Percentiles.NearestRank(values, 99)], Percentiles.NearestRank(values, 50, 99));
    }

    [Fact]
    public void NearestRank_InvalidInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => Percentiles.NearestRank([], 50));
        Assert.Throws<ArgumentException>(() => Percentiles.NearestRank([1, double.NaN], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank([1], 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank([1], -1));
        Assert.Throws<ArgumentNullException>(() => Percentiles.NearestRank(null!, 50));
    }
}
