using System.Globalization;
using Tally.Schedules;

namespace Tally.Tests.Schedules;

/// <summary>
/// Occurrences across daylight-saving days, in two zones. The expected instants come from Python's zoneinfo (the local
/// times that exist that day, and when the clock jumps) and Cronos' documented rules: an occurrence in a skipped hour runs
/// when the clock jumps, a fixed time in a repeated hour runs once, an interval runs through both.
/// </summary>
public sealed class CronScheduleTests
{
    [Theory]
    [InlineData("Europe/Paris", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z")] // 02:30 never comes: it runs at 03:00 CEST, when the clock jumps
    [InlineData("America/New_York", "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z")] // the same at 03:00 EDT
    public void SpringForward_AnOccurrenceInTheSkippedHour_RunsWhenTheClockJumps(string zone, string after, string expected)
    {
        var cron = Parse("30 2 * * *", zone);

        Assert.Equal(Instant(expected), cron.Next(Instant(after)));
    }

    [Fact]
    public void SpringForward_TheDayAfter_IsBackAt0230()
    {
        var cron = Parse("30 2 * * *", "Europe/Paris");

        Assert.Equal(Instant("2026-03-30T00:30:00Z"), cron.Next(Instant("2026-03-29T01:00:00Z")));
    }

    [Theory]
    [InlineData("Europe/Paris", "30 2 * * *", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")] // 02:30 twice: once, the first
    [InlineData("America/New_York", "30 1 * * *", "2026-10-31T12:00:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z")]
    public void FallBack_AFixedTimeInTheRepeatedHour_RunsOnce(string zone, string expression, string after, string first, string second)
    {
        var cron = Parse(expression, zone);

        Assert.Equal([Instant(first), Instant(second)], cron.Next(Instant(after), 2));
    }

    [Fact]
    public void FallBack_AnInterval_RunsThroughBothHours()
    {
        var cron = Parse("*/30 * * * *", "America/New_York");

        Assert.Equal(
            ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z"],
            cron.Next(Instant("2026-11-01T04:59:00Z"), 4).Select(Text));
    }

    [Fact]
    public void Seconds_AreTheFirstOfSixFields()
    {
        var cron = Parse("*/15 * * * * *", "UTC");

        Assert.Equal(["2026-12-04T12:00:15Z", "2026-12-04T12:00:30Z"], cron.Next(Instant("2026-12-04T12:00:00Z"), 2).Select(Text));
    }

    [Fact]
    public void Latest_IsTheLastOccurrenceDue_AfterTheGivenInstant()
    {
        var cron = Parse("0 6 * * *", "Europe/Paris");

        Assert.Equal(Instant("2026-12-04T05:00:00Z"), cron.Latest(Instant("2026-12-01T00:00:00Z"), Instant("2026-12-04T09:00:00Z")));
        Assert.Null(cron.Latest(Instant("2026-12-04T05:00:00Z"), Instant("2026-12-04T09:00:00Z")));
    }

    [Theory]
    [InlineData("0 6 * *", "Europe/Paris", "five fields")]
    [InlineData("61 6 * * *", "Europe/Paris", "not a valid cron expression")]
    [InlineData("0 6 * * *", "Europe/Pariss", "IANA time zone")]
    [InlineData("0 6 * * *", "", "Give \"timeZone\"")]
    [InlineData("", "UTC", "Give \"cron\"")]
    [InlineData("0 0 30 2 *", "UTC", "never occurs")]
    public void BadExpressionOrZone_SaysWhatToChange(string cron, string zone, string detail)
    {
        var (schedule, error) = CronSchedule.Parse(cron, zone);

        Assert.Null(schedule);
        Assert.Contains(detail, error);
    }

    private static CronSchedule Parse(string cron, string zone) => CronSchedule.Parse(cron, zone).Schedule!;

    private static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static string Text(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
