using System.Globalization;
using System.Text.RegularExpressions;

namespace MemOS.Grains.Retrieval;

/// <summary>How precise a resolved time expression is.</summary>
public enum TimeGranularity
{
    /// <summary>One calendar day ("yesterday", "on 8 May 2023").</summary>
    Day,

    /// <summary>A week or a weekend ("last week", "two weeks ago").</summary>
    Week,

    /// <summary>A calendar month ("in May 2023", "last month").</summary>
    Month,

    /// <summary>A meteorological season ("last summer").</summary>
    Season,

    /// <summary>A calendar year ("in 2023", "last year").</summary>
    Year,

    /// <summary>A loose span ("recently", "a few weeks ago").</summary>
    Vague,
}

/// <summary>The span of time an expression names: [<see cref="From"/>, <see cref="To"/>).</summary>
/// <param name="From">The first instant inside the span.</param>
/// <param name="To">The first instant after the span.</param>
/// <param name="Granularity">How precise the expression is.</param>
/// <param name="Expression">The words that named it, as written.</param>
public readonly record struct TimeRange(DateTimeOffset From, DateTimeOffset To, TimeGranularity Granularity, string Expression)
{
    /// <summary>Whether an instant lies inside the span.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><see langword="true"/> when <see cref="From"/> &lt;= instant &lt; <see cref="To"/>.</returns>
    public bool Contains(DateTimeOffset instant) => instant >= From && instant < To;

    /// <summary>Whether two spans share an instant.</summary>
    /// <param name="other">The other span.</param>
    /// <returns><see langword="true"/> when they overlap.</returns>
    public bool Overlaps(TimeRange other) => From < other.To && other.From < To;
}

/// <summary>
/// Finds English time expressions in a text and resolves them against a reference time (the question's "now", or the
/// time a message was written): absolute dates ("October 13, 2023", "13 Oct 2023", "2023-10-13", "May 8"), months
/// ("in May", "July 2023", "last June"), years ("in 2023"), seasons ("last summer", "the summer of 2022"), relative
/// days and periods ("yesterday", "last week", "this month", "last weekend", "three days ago", "a few weeks ago",
/// "last Friday") and loose ones ("recently", "the other day").
/// </summary>
/// <remarks>
/// <para>Rules: calendar units are taken in the reference time's offset; weeks run Monday to Sunday (ISO 8601);
/// seasons are the northern meteorological ones (spring March-May, summer June-August, autumn/fall
/// September-November, winter December-February, named by the year of its December). A date or month without a year
/// is the latest one that starts at or before the reference ("in May" asked in March 2024 means May 2023);
/// "N units ago" is the unit that holds reference - N units; "recently" and "lately" are the 30 days before the
/// reference. Month names that are also common words ("may", "march") and seasons that are also verbs ("fall",
/// "spring") count only after a preposition or determiner (in, during, since, last, this, the, ...) or next to a day
/// or year; bare four-digit numbers are not taken for years unless a preposition precedes them.</para>
/// <para>Expressions never overlap: the more specific pattern wins ("October 13, 2023" is one day, not also a month
/// and a year). The resolver is rule-based and deterministic, in the spirit of HeidelTime (Strötgen and Gertz,
/// SemEval 2010) and SUTime (Chang and Manning, LREC 2012), covering the expressions conversations use most.</para>
/// </remarks>
public static partial class TimeExpressionResolver
{
    private const string FullMonth = "january|february|march|april|may|june|july|august|september|october|november|december";
    private const string Month = FullMonth + @"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
    private const string Day = @"(?<d>[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?";
    private const string Year = @"(?<y>(?:19|20)[0-9]{2})";
    private const string Count = @"(?<n>[0-9]{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|a\s+couple\s+of|a\s+couple|few|several)";
    private const string Weekday = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
    private const string Preposition = @"in|during|since|until|till|by|of|before|after|early|late|mid|around|throughout|from|through|this\s+past";

    /// <summary>How many days "recently" reaches back.</summary>
    public const int RecentDays = 30;

    /// <summary>Finds and resolves the time expressions of a text, in the order they appear.</summary>
    /// <param name="text">The text (a query or a memory).</param>
    /// <param name="reference">"Now" for relative expressions; its offset sets where days begin.</param>
    /// <returns>The spans named, possibly none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static IReadOnlyList<TimeRange> Resolve(string text, DateTimeOffset reference)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || !MayHoldTime().IsMatch(text))
        {
            return [];
        }

        var taken = new bool[text.Length];
        var found = new List<(int Index, TimeRange Range)>();
        foreach (var (pattern, resolve) in Rules)
        {
            foreach (Match match in pattern.Matches(text))
            {
                if (Overlaps(taken, match) || resolve(match, reference) is not { } range)
                {
                    continue;
                }

                Array.Fill(taken, true, match.Index, match.Length);
                found.Add((match.Index, range with { Expression = match.Value }));
            }
        }

        return found.OrderBy(f => f.Index).Select(f => f.Range).ToList();
    }

    /// <summary>Whether a question asks for a time ("When did ...", "What year ...", "How long ago ...").</summary>
    /// <param name="query">The question.</param>
    /// <returns><see langword="true"/> when it asks when.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public static bool AsksWhen(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return AsksWhenPattern().IsMatch(query);
    }

    private static readonly (Regex Pattern, Func<Match, DateTimeOffset, TimeRange?> Resolve)[] Rules =
    [
        (IsoDate(), (m, r) => DayOf(r, Int(m, "y"), Int(m, "mo"), Int(m, "d"))),
        (MonthDayYear(), (m, r) => DayOf(r, Int(m, "y"), MonthOf(m), Int(m, "d"))),
        (DayMonthYear(), (m, r) => DayOf(r, Int(m, "y"), MonthOf(m), Int(m, "d"))),
        (MonthDay(), (m, r) => LatestDay(r, MonthOf(m), Int(m, "d"))),
        (DayMonth(), (m, r) => LatestDay(r, MonthOf(m), Int(m, "d"))),
        (MonthYear(), (m, r) => MonthRange(r, Int(m, "y"), MonthOf(m))),
        (SeasonYear(), (m, r) => SeasonRange(r, Int(m, "y"), Season(m))),
        (RelativeMonth(), (m, r) => RelativeMonthRange(r, m.Groups["rel"].Value, MonthOf(m))),
        (RelativeSeason(), (m, r) => RelativeSeasonRange(r, m.Groups["rel"].Value, Season(m))),
        (YearAfterPreposition(), (m, r) => YearRange(r, Int(m, "y"))),
        (DayBeforeYesterday(), (m, r) => DaysFrom(r, -2, 1)),
        (Yesterday(), (m, r) => DaysFrom(r, -1, 1)),
        (Today(), (m, r) => DaysFrom(r, 0, 1)),
        (Tomorrow(), (m, r) => DaysFrom(r, 1, 1)),
        (RelativePeriod(), (m, r) => RelativePeriodRange(r, m.Groups["rel"].Value, m.Groups["unit"].Value)),
        (Ago(), (m, r) => AgoRange(r, m.Groups["n"].Value, m.Groups["unit"].Value)),
        (RelativeWeekday(), (m, r) => WeekdayRange(r, m.Groups["rel"].Value, m.Groups["wd"].Value)),
        (Recently(), (m, r) => new TimeRange(StartOfDay(r).AddDays(-RecentDays), StartOfDay(r).AddDays(1), TimeGranularity.Vague, "")),
        (OtherDay(), (m, r) => new TimeRange(StartOfDay(r).AddDays(-7), StartOfDay(r), TimeGranularity.Vague, "")),
    ];

    private static bool Overlaps(bool[] taken, Match match)
    {
        for (var i = match.Index; i < match.Index + match.Length; i++)
        {
            if (taken[i])
            {
                return true;
            }
        }

        return false;
    }

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    private static int MonthOf(Match match) => match.Groups["m"].Value.ToLowerInvariant()[..3] switch
    {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        _ => 12,
    };

    /// <summary>The first month of a season: 3 spring, 6 summer, 9 autumn, 12 winter.</summary>
    private static int Season(Match match) => match.Groups["s"].Value.ToLowerInvariant() switch
    {
        "spring" => 3,
        "summer" => 6,
        "autumn" or "fall" => 9,
        _ => 12,
    };

    private static DateTimeOffset StartOfDay(DateTimeOffset t) => new(t.Year, t.Month, t.Day, 0, 0, 0, t.Offset);

    private static DateTimeOffset StartOfMonth(DateTimeOffset t) => new(t.Year, t.Month, 1, 0, 0, 0, t.Offset);

    private static TimeRange? DayOf(DateTimeOffset reference, int year, int month, int day)
    {
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var start = new DateTimeOffset(year, month, day, 0, 0, 0, reference.Offset);
        return new TimeRange(start, start.AddDays(1), TimeGranularity.Day, "");
    }

    private static TimeRange? LatestDay(DateTimeOffset reference, int month, int day)
    {
        var year = reference.Year;
        if (month > reference.Month || (month == reference.Month && day > reference.Day))
        {
            year--;
        }

        return DayOf(reference, year, month, day);
    }

    private static TimeRange DaysFrom(DateTimeOffset reference, int offsetDays, int lengthDays)
    {
        var start = StartOfDay(reference).AddDays(offsetDays);
        return new TimeRange(start, start.AddDays(lengthDays), TimeGranularity.Day, "");
    }

    private static TimeRange MonthRange(DateTimeOffset reference, int year, int month)
    {
        var start = new DateTimeOffset(year, month, 1, 0, 0, 0, reference.Offset);
        return new TimeRange(start, start.AddMonths(1), TimeGranularity.Month, "");
    }

    private static TimeRange YearRange(DateTimeOffset reference, int year)
    {
        var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, reference.Offset);
        return new TimeRange(start, start.AddYears(1), TimeGranularity.Year, "");
    }

    private static TimeRange RelativeMonthRange(DateTimeOffset reference, string relation, int month)
    {
        var latest = month <= reference.Month ? reference.Year : reference.Year - 1;
        var year = relation.ToLowerInvariant() switch
        {
            "next" => month > reference.Month ? reference.Year : reference.Year + 1,
            "this" => reference.Year,
            // "last June" asked in June means a year ago; asked later in the year, this year's June.
            "last" => month < reference.Month ? reference.Year : reference.Year - 1,
            _ => latest,
        };
        return MonthRange(reference, year, month);
    }

    /// <summary>The season that starts in month <paramref name="firstMonth"/> of <paramref name="year"/>; a winter is
    /// named by the year of its December.</summary>
    private static TimeRange SeasonRange(DateTimeOffset reference, int year, int firstMonth)
    {
        var start = new DateTimeOffset(year, firstMonth, 1, 0, 0, 0, reference.Offset);
        return new TimeRange(start, start.AddMonths(3), TimeGranularity.Season, "");
    }

    private static TimeRange RelativeSeasonRange(DateTimeOffset reference, string relation, int firstMonth)
    {
        // The latest season of this name that has started by the reference time.
        var year = reference.Year;
        var latestStart = new DateTimeOffset(year, firstMonth, 1, 0, 0, 0, reference.Offset);
        if (latestStart > reference)
        {
            year--;
            latestStart = latestStart.AddYears(-1);
        }

        var inside = reference < latestStart.AddMonths(3);
        year = relation.ToLowerInvariant() switch
        {
            "next" => year + 1,
            "last" or "past" when inside => year - 1,
            _ => year,
        };
        // "this winter" asked in October: the one starting this December, not the one that ended in February.
        return relation.Equals("this", StringComparison.OrdinalIgnoreCase) && !inside
            ? SeasonRange(reference, reference.Year, firstMonth)
            : SeasonRange(reference, year, firstMonth);
    }

    private static TimeRange? RelativePeriodRange(DateTimeOffset reference, string relation, string unit)
    {
        var shift = relation.ToLowerInvariant() switch
        {
            "last" or "previous" => -1,
            "next" or "coming" => 1,
            "past" => 0,
            _ => 0,
        };
        var past = relation.Equals("past", StringComparison.OrdinalIgnoreCase);
        var today = StartOfDay(reference);
        switch (unit.ToLowerInvariant())
        {
            case "week":
                if (past)
                {
                    return new TimeRange(today.AddDays(-7), today.AddDays(1), TimeGranularity.Week, "");
                }

                var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
                return new TimeRange(monday.AddDays(7 * shift), monday.AddDays((7 * shift) + 7), TimeGranularity.Week, "");
            case "weekend":
                return WeekendRange(today, shift);
            case "month":
                if (past)
                {
                    return new TimeRange(today.AddMonths(-1), today.AddDays(1), TimeGranularity.Month, "");
                }

                var month = StartOfMonth(reference).AddMonths(shift);
                return new TimeRange(month, month.AddMonths(1), TimeGranularity.Month, "");
            case "year":
                if (past)
                {
                    return new TimeRange(today.AddYears(-1), today.AddDays(1), TimeGranularity.Year, "");
                }

                return YearRange(reference, reference.Year + shift);
            default:
                return null;
        }
    }

    /// <summary>"last weekend": the latest Saturday-Sunday that ended before today; "this weekend": the one holding
    /// today or coming next; "next weekend": the one after that.</summary>
    private static TimeRange WeekendRange(DateTimeOffset today, int shift)
    {
        var daysSinceSaturday = ((int)today.DayOfWeek + 1) % 7; // Saturday 0, Sunday 1, Monday 2, ...
        var thisSaturday = daysSinceSaturday <= 1 ? today.AddDays(-daysSinceSaturday) : today.AddDays(7 - daysSinceSaturday);
        var saturday = thisSaturday.AddDays(7 * shift);
        return new TimeRange(saturday, saturday.AddDays(2), TimeGranularity.Week, "");
    }

    private static TimeRange? AgoRange(DateTimeOffset reference, string count, string unit)
    {
        var normalized = WhitespaceRun().Replace(count.ToLowerInvariant(), " ");
        var (n, vague) = normalized switch
        {
            "a" or "an" or "one" => (1, false),
            "two" or "a couple of" or "a couple" => (2, normalized != "two"),
            "three" => (3, false),
            "a few" or "few" => (3, true),
            "several" => (4, true),
            "four" => (4, false),
            "five" => (5, false),
            "six" => (6, false),
            "seven" => (7, false),
            "eight" => (8, false),
            "nine" => (9, false),
            "ten" => (10, false),
            "eleven" => (11, false),
            "twelve" => (12, false),
            _ => (int.Parse(normalized, CultureInfo.InvariantCulture), false),
        };
        var today = StartOfDay(reference);
        var unitName = unit.ToLowerInvariant().TrimEnd('s');
        DateTimeOffset center = unitName switch
        {
            "day" => today.AddDays(-n),
            "week" => today.AddDays(-7 * n),
            "month" => today.AddMonths(-n),
            _ => today.AddYears(-n),
        };
        if (vague)
        {
            // "a few weeks ago": anywhere from one unit to twice the count back.
            var earliest = unitName switch
            {
                "day" => today.AddDays(-2 * n),
                "week" => today.AddDays(-14 * n),
                "month" => today.AddMonths(-2 * n),
                _ => today.AddYears(-2 * n),
            };
            return new TimeRange(earliest, today, TimeGranularity.Vague, "");
        }

        return unitName switch
        {
            "day" => new TimeRange(center, center.AddDays(1), TimeGranularity.Day, ""),
            "week" => new TimeRange(center.AddDays(-3), center.AddDays(4), TimeGranularity.Week, ""),
            "month" => new TimeRange(StartOfMonth(center), StartOfMonth(center).AddMonths(1), TimeGranularity.Month, ""),
            _ => YearRange(reference, center.Year),
        };
    }

    private static TimeRange WeekdayRange(DateTimeOffset reference, string relation, string weekday)
    {
        var target = Enum.Parse<DayOfWeek>(weekday, ignoreCase: true);
        var today = StartOfDay(reference);
        var back = ((int)today.DayOfWeek - (int)target + 7) % 7;
        var forward = ((int)target - (int)today.DayOfWeek + 7) % 7;
        var day = WhitespaceRun().Replace(relation.ToLowerInvariant(), " ") switch
        {
            // "next Friday" / "this coming Friday": the first Friday after today.
            "next" or "this coming" => today.AddDays(forward == 0 ? 7 : forward),
            // "last Friday" / "on Friday" / "this past Friday": the latest Friday before today.
            _ => today.AddDays(back == 0 ? -7 : -back),
        };
        return new TimeRange(day, day.AddDays(1), TimeGranularity.Day, "");
    }

    [GeneratedRegex(@"[0-9]|day|night|tonight|tomorrow|week|month|year|ago|recent|lately|" + FullMonth + @"|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec|summer|winter|spring|autumn|fall|" + Weekday,
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MayHoldTime();

    [GeneratedRegex(@"\b(?<y>(?:19|20)[0-9]{2})-(?<mo>0?[1-9]|1[0-2])-(?<d>0?[1-9]|[12][0-9]|3[01])\b", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(?<m>" + Month + @")\.?\s+" + Day + @",?\s+" + Year + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MonthDayYear();

    [GeneratedRegex(@"\b(?:the\s+)?" + Day + @"\s+(?:of\s+)?(?<m>" + Month + @")\.?,?\s+" + Year + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DayMonthYear();

    [GeneratedRegex(@"\b(?<m>" + Month + @")\.?\s+" + Day + @"\b(?!\s*[:.]?[0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MonthDay();

    [GeneratedRegex(@"\b(?:the\s+)?" + Day + @"\s+(?:of\s+)?(?<m>" + Month + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DayMonth();

    [GeneratedRegex(@"\b(?<m>" + Month + @")\.?,?\s+(?:of\s+)?" + Year + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MonthYear();

    [GeneratedRegex(@"\b(?<s>summer|winter|spring|autumn|fall)\s+(?:of\s+)?" + Year + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeasonYear();

    [GeneratedRegex(@"\b(?:(?<rel>last|this|next|past)|" + Preposition + @")\s+(?:the\s+)?(?<m>" + FullMonth + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelativeMonth();

    [GeneratedRegex(@"\b(?:(?<rel>last|this|next|past)|(?:" + Preposition + @"|over|for)\s+the|the)\s+(?<s>summer|winter|spring|autumn|fall)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelativeSeason();

    [GeneratedRegex(@"\b(?:" + Preposition + @"|year)\s+(?:of\s+)?" + Year + @"\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex YearAfterPreposition();

    [GeneratedRegex(@"\bthe\s+day\s+before\s+yesterday\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DayBeforeYesterday();

    [GeneratedRegex(@"\b(?:yesterday|last\s+night)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Yesterday();

    [GeneratedRegex(@"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Today();

    [GeneratedRegex(@"\btomorrow\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Tomorrow();

    [GeneratedRegex(@"\b(?:the\s+)?(?<rel>last|this|next|past|previous|coming)\s+(?<unit>week|weekend|month|year)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelativePeriod();

    [GeneratedRegex(@"\b" + Count + @"\s+(?<unit>days?|weeks?|months?|years?)\s+ago\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Ago();

    [GeneratedRegex(@"\b(?<rel>last|on|this\s+past|next|this\s+coming)\s+(?<wd>" + Weekday + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelativeWeekday();

    [GeneratedRegex(@"\b(?:recently|lately|these\s+days|of\s+late)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Recently();

    [GeneratedRegex(@"\bthe\s+other\s+day\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OtherDay();

    [GeneratedRegex(@"^\W*(?:when\b|what\s+(?:date|day|time|year|month|week)\b|which\s+(?:date|day|year|month|week)\b|in\s+(?:what|which)\s+(?:year|month)\b|how\s+long\s+ago\b|since\s+when\b)|\bwhen\s+(?:did|was|were|is|are|will|does|do|has|had|would)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AsksWhenPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}
