using MemOS.Grains.Retrieval;

namespace MemOS.Grains.Tests.Retrieval;

public sealed class TimeExpressionResolverTests
{
    // A Wednesday.
    private static readonly DateTimeOffset Reference = new(2023, 10, 18, 15, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset D(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    private static TimeRange Single(string text, DateTimeOffset? reference = null)
    {
        var ranges = TimeExpressionResolver.Resolve(text, reference ?? Reference);
        return Assert.Single(ranges);
    }

    [Theory]
    [InlineData("What painting did Melanie show on October 13, 2023?", 2023, 10, 13)]
    [InlineData("What did Gina find on 1 February, 2023?", 2023, 2, 1)]
    [InlineData("the 3rd of June 2023", 2023, 6, 3)]
    [InlineData("on Oct. 13th 2023", 2023, 10, 13)]
    [InlineData("logged at 2023-05-08", 2023, 5, 8)]
    [InlineData("on May 8", 2023, 5, 8)]
    [InlineData("on 8 May", 2023, 5, 8)]
    [InlineData("on December 24", 2022, 12, 24)]
    public void AbsoluteDates_AreOneDay(string text, int year, int month, int day)
    {
        var range = Single(text);
        Assert.Equal(TimeGranularity.Day, range.Granularity);
        Assert.Equal(D(year, month, day), range.From);
        Assert.Equal(D(year, month, day).AddDays(1), range.To);
    }

    [Theory]
    [InlineData("in July 2023", 2023, 7)]
    [InlineData("What setback did Melanie face in October 2023?", 2023, 10)]
    [InlineData("in May", 2023, 5)]
    [InlineData("during December", 2022, 12)]
    [InlineData("When did Melanie go camping in June?", 2023, 6)]
    [InlineData("last June", 2023, 6)]
    [InlineData("last October", 2022, 10)]
    [InlineData("next March", 2024, 3)]
    [InlineData("last month", 2023, 9)]
    [InlineData("this month", 2023, 10)]
    [InlineData("two months ago", 2023, 8)]
    public void Months_AreCalendarMonths(string text, int year, int month)
    {
        var range = Single(text);
        Assert.Equal(TimeGranularity.Month, range.Granularity);
        Assert.Equal(D(year, month, 1), range.From);
        Assert.Equal(D(year, month, 1).AddMonths(1), range.To);
    }

    [Theory]
    [InlineData("How many times has Melanie gone to the beach in 2023?", 2023)]
    [InlineData("last year", 2022)]
    [InlineData("this year", 2023)]
    [InlineData("3 years ago", 2020)]
    [InlineData("since 2019", 2019)]
    public void Years_AreCalendarYears(string text, int year)
    {
        var range = Single(text);
        Assert.Equal(TimeGranularity.Year, range.Granularity);
        Assert.Equal(D(year, 1, 1), range.From);
        Assert.Equal(D(year + 1, 1, 1), range.To);
    }

    [Theory]
    [InlineData("I went there yesterday", 2023, 10, 17, 1)]
    [InlineData("today", 2023, 10, 18, 1)]
    [InlineData("last night", 2023, 10, 17, 1)]
    [InlineData("the day before yesterday", 2023, 10, 16, 1)]
    [InlineData("tomorrow", 2023, 10, 19, 1)]
    [InlineData("three days ago", 2023, 10, 15, 1)]
    [InlineData("last Friday", 2023, 10, 13, 1)]
    [InlineData("on Wednesday", 2023, 10, 11, 1)]
    [InlineData("next Monday", 2023, 10, 23, 1)]
    [InlineData("last week", 2023, 10, 9, 7)]
    [InlineData("this week", 2023, 10, 16, 7)]
    [InlineData("next week", 2023, 10, 23, 7)]
    [InlineData("last weekend", 2023, 10, 14, 2)]
    [InlineData("this weekend", 2023, 10, 21, 2)]
    [InlineData("a week ago", 2023, 10, 8, 7)]
    public void RelativeDaysAndWeeks_CountFromTheReference(string text, int year, int month, int day, int days)
    {
        var range = Single(text);
        Assert.Equal(D(year, month, day), range.From);
        Assert.Equal(D(year, month, day).AddDays(days), range.To);
    }

    [Fact]
    public void LastWeekend_AskedOnASunday_IsTheWeekendBefore()
    {
        var sunday = new DateTimeOffset(2023, 10, 15, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(D(2023, 10, 7), Single("last weekend", sunday).From);
        Assert.Equal(D(2023, 10, 14), Single("this weekend", sunday).From);
    }

    [Theory]
    [InlineData("last summer", 2023, 6)]
    [InlineData("during the summer", 2023, 6)]
    [InlineData("the summer of 2021", 2021, 6)]
    [InlineData("in the spring", 2023, 3)]
    [InlineData("this winter", 2023, 12)]
    [InlineData("last winter", 2022, 12)]
    [InlineData("this fall", 2023, 9)]
    [InlineData("last fall", 2022, 9)]
    public void Seasons_AreThreeMonths(string text, int year, int firstMonth)
    {
        var range = Single(text);
        Assert.Equal(TimeGranularity.Season, range.Granularity);
        Assert.Equal(D(year, firstMonth, 1), range.From);
        Assert.Equal(D(year, firstMonth, 1).AddMonths(3), range.To);
    }

    [Theory]
    [InlineData("What did Melanie paint recently?")]
    [InlineData("a few weeks ago")]
    [InlineData("the other day")]
    public void LooseExpressions_AreVagueSpansBeforeTheReference(string text)
    {
        var range = Single(text);
        Assert.Equal(TimeGranularity.Vague, range.Granularity);
        Assert.True(range.From < Reference);
        Assert.True(range.To <= Reference.AddDays(1));
        Assert.True(range.To - range.From >= TimeSpan.FromDays(7));
    }

    [Theory]
    [InlineData("May I ask what you think?")]
    [InlineData("We will march in the parade.")]
    [InlineData("I fall asleep reading.")]
    [InlineData("She has 2000 stamps and 12 cats.")]
    [InlineData("Caroline went to a support group and loved it.")]
    [InlineData("")]
    public void CommonWords_AreNotTakenForTimes(string text)
        => Assert.Empty(TimeExpressionResolver.Resolve(text, Reference));

    [Fact]
    public void SeveralExpressions_AreFoundInOrder_WithoutOverlap()
    {
        var ranges = TimeExpressionResolver.Resolve("What did Maria do last weekend before April 10, 2023?", Reference);
        Assert.Equal(["last weekend", "April 10, 2023"], ranges.Select(r => r.Expression));
        Assert.Equal(D(2023, 4, 10), ranges[1].From);
    }

    [Fact]
    public void DayBoundaries_FollowTheReferenceOffset()
    {
        var tokyo = new DateTimeOffset(2023, 10, 18, 1, 0, 0, TimeSpan.FromHours(9));
        var range = Single("yesterday", tokyo);
        Assert.Equal(new DateTimeOffset(2023, 10, 17, 0, 0, 0, TimeSpan.FromHours(9)), range.From);
        Assert.True(range.Contains(new DateTimeOffset(2023, 10, 16, 16, 0, 0, TimeSpan.Zero)));
        Assert.False(range.Contains(new DateTimeOffset(2023, 10, 17, 16, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void InvalidDates_AreIgnored()
        => Assert.Empty(TimeExpressionResolver.Resolve("on February 30, 2023", Reference));

    [Theory]
    [InlineData("When did Caroline go to the LGBTQ support group?", true)]
    [InlineData("what year did John start surfing?", true)]
    [InlineData("How long ago was Caroline's 18th birthday?", true)]
    [InlineData("In which month did they meet?", true)]
    [InlineData("Do you remember when did we meet?", true)]
    [InlineData("What did Caroline research?", false)]
    [InlineData("Whenever she paints, she is happy. What does she paint?", false)]
    public void AsksWhen_RecognizesTemporalQuestions(string query, bool expected)
        => Assert.Equal(expected, TimeExpressionResolver.AsksWhen(query));
}
