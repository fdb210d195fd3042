using Tally.Time;

namespace Tally.Tests.Time;

/// <summary>How <c>runAt</c> and <c>delay</c> are read, and how long a queue hides a message due later.</summary>
public sealed class DelayedStartTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromDays(90);

    [Theory]
    [InlineData("PT15M", 15 * 60)]
    [InlineData("P2DT3H", (2 * 24 + 3) * 3600)]
    [InlineData("PT0.5S", 0.5)]
    public void Delay_IsAnIso8601Duration(string delay, double seconds)
    {
        var (runAt, error) = DelayedStart.Resolve(null, delay, Now, Limit);

        Assert.Null(error);
        Assert.Equal(Now.AddSeconds(seconds), runAt);
    }

    [Theory]
    [InlineData("2026-12-05T06:00:00Z", "2026-12-05T06:00:00+00:00")]
    [InlineData("2026-12-05T07:00:00+01:00", "2026-12-05T06:00:00+00:00")]
    public void RunAt_IsAnInstantWithItsOffset(string text, string expected)
    {
        var (runAt, error) = DelayedStart.Resolve(text, null, Now, Limit);

        Assert.Null(error);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), runAt);
    }

    [Theory]
    [InlineData("2026-12-05T06:00:00Z", "PT1M", "not both")]
    [InlineData("2026-12-04T11:59:59Z", null, "has passed")]
    [InlineData("2027-03-05T12:00:01Z", null, "Tally:Jobs:MaxDelay")]
    [InlineData("2026-12-05T06:00:00", null, "with its offset")]
    [InlineData("tomorrow", null, "ISO 8601 instant")]
    [InlineData(null, "P1Y", "days, hours, minutes and seconds")]
    [InlineData(null, "P1M", "days, hours, minutes and seconds")]
    [InlineData(null, "15 minutes", "such as \"PT15M\"")]
    [InlineData(null, "-PT1M", "positive")]
    [InlineData(null, "PT0S", "positive")]
    [InlineData(null, "P91D", "Tally:Jobs:MaxDelay")]
    public void BadTiming_SaysWhatToChange(string? runAt, string? delay, string detail)
    {
        var (due, error) = DelayedStart.Resolve(runAt, delay, Now, Limit);

        Assert.Null(due);
        Assert.Contains(detail, error);
    }

    [Fact]
    public void NeitherField_RunsNow()
    {
        Assert.Equal((null, null), DelayedStart.Resolve(null, null, Now, Limit));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-60, 0)] // already due
    [InlineData(3600, 3600)]
    [InlineData(7 * 86400, 7 * 86400)] // exactly the queue's limit
    [InlineData(7 * 86400 + 1, 7 * 86400)] // past it: hidden a week, then sent again for the rest
    [InlineData(30 * 86400, 7 * 86400)]
    public void QueueDelay_IsTheTimeLeft_AtMostSevenDays(int secondsAhead, int hiddenSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(hiddenSeconds), QueueDelay.Until(Now.AddSeconds(secondsAhead), Now));
    }
}
