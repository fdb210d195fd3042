using System.Globalization;
using System.Xml;

namespace Tally.Time;

/// <summary>Reads when a delayed job is due, from the <c>runAt</c> (an ISO 8601 instant) or <c>delay</c> (an ISO 8601 duration) a request gives.</summary>
public static class DelayedStart
{
    /// <summary>
    /// The due time a request asks for: null with no error when it gives neither field (the jobs run now); else the
    /// instant, or the error that says what to change.
    /// </summary>
    /// <param name="runAt">The <c>runAt</c> text, if given.</param>
    /// <param name="delay">The <c>delay</c> text, if given.</param>
    /// <param name="now">The time.</param>
    /// <param name="maxDelay">How far ahead a job may be due (<c>Tally:Jobs:MaxDelay</c>).</param>
    public static (DateTimeOffset? RunAt, string? Error) Resolve(string? runAt, string? delay, DateTimeOffset now, TimeSpan maxDelay)
    {
        if (runAt is not null && delay is not null)
        {
            return (null, "Give either \"runAt\" (an instant such as \"2026-12-05T06:00:00Z\") or \"delay\" (a duration such as \"PT15M\"), not both.");
        }

        if (runAt is not null)
        {
            if (!TryParseInstant(runAt, out var instant))
            {
                return (null, $"\"runAt\" must be an ISO 8601 instant with its offset, such as \"2026-12-05T06:00:00Z\"; '{runAt}' is not one.");
            }

            return instant <= now ? (null, $"\"runAt\" ({runAt}) has passed; it is now {Iso(now)}. Give a later instant, or leave \"runAt\" out to run now.")
                : instant - now > maxDelay ? (null, $"\"runAt\" ({runAt}) is more than {Describe(maxDelay)} ahead, the limit (Tally:Jobs:MaxDelay); give an instant before {Iso(now + maxDelay)}.")
                : (instant, null);
        }

        if (delay is not null)
        {
            if (!TryParseDuration(delay, out var duration) || duration <= TimeSpan.Zero)
            {
                return (null, $"\"delay\" must be a positive ISO 8601 duration in days, hours, minutes and seconds, such as \"PT15M\" or \"P2DT3H\"; '{delay}' is not one.");
            }

            return duration > maxDelay
                ? (null, $"\"delay\" ({delay}) is longer than {Describe(maxDelay)}, the limit (Tally:Jobs:MaxDelay); give a shorter one.")
                : (now + duration, null);
        }

        return (null, null);
    }

    /// <summary>An ISO 8601 instant: a date, a time and an offset (<c>Z</c> or <c>±hh:mm</c>); a local time names no instant.</summary>
    public static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return hasOffset && text.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    /// <summary>An ISO 8601 duration of days and time (<c>P1DT2H</c>, <c>PT15M</c>, <c>PT0.5S</c>); years and months have no fixed length, so they are refused.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var date = text.Split('T', 2)[0];
        if (date.Contains('Y', StringComparison.OrdinalIgnoreCase) || date.Contains('M', StringComparison.OrdinalIgnoreCase) || date.Contains('W', StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>An instant as the API writes it: ISO 8601 UTC.</summary>
    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan span) => span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.TotalDays:0} days" : span.ToString();
}
