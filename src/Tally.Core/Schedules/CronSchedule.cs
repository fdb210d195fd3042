using Cronos;

namespace Tally.Schedules;

/// <summary>
/// A cron expression (five fields, or six with seconds first) in an IANA time zone, parsed by Cronos. Daylight-saving
/// days follow Cronos' rules: an occurrence in the hour a spring-forward skips runs at the moment the clock jumps
/// (02:30 becomes 03:00 local); in the hour a fall-back repeats, a fixed time runs once (at its first instant) and an
/// interval (<c>*/15</c>) runs through both.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone) => (_expression, _zone) = (expression, zone);

    /// <summary>Parses <paramref name="cron"/> in <paramref name="timeZone"/>; null with the error that says what to change when either is not valid.</summary>
    public static (CronSchedule? Schedule, string? Error) Parse(string? cron, string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return (null, "Give \"cron\", such as \"0 6 * * *\" (06:00 every day) or \"*/10 * * * * *\" (every ten seconds, seconds first).");
        }

        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            return (null, $"\"cron\" must have five fields (minute hour day month weekday), or six with seconds first; '{cron}' has {fields}.");
        }

        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            return (null, $"\"cron\" '{cron}' is not a valid cron expression: {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(timeZone))
        {
            return (null, "Give \"timeZone\", an IANA time zone such as \"Europe/Paris\" or \"UTC\".");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) || !zone.HasIanaId)
        {
            return (null, $"\"timeZone\" must be an IANA time zone such as \"Europe/Paris\", \"America/New_York\" or \"UTC\"; '{timeZone}' is not one.");
        }

        return expression.GetNextOccurrence(DateTime.UtcNow, zone) is null
            ? (null, $"\"cron\" '{cron}' never occurs again; give one that does.")
            : (new CronSchedule(expression, zone), null);
    }

    /// <summary>The first occurrence after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after.UtcDateTime, _zone) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="after"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        var occurrences = new List<DateTimeOffset>(count);
        for (var at = Next(after); at is { } found && occurrences.Count < count; at = Next(found))
        {
            occurrences.Add(found);
        }

        return occurrences;
    }

    /// <summary>The last occurrence after <paramref name="after"/> and at or before <paramref name="now"/>, or null when there is none.</summary>
    public DateTimeOffset? Latest(DateTimeOffset after, DateTimeOffset now)
    {
        if (after >= now)
        {
            return null;
        }

        var latest = default(DateTime?);
        foreach (var occurrence in _expression.GetOccurrences(after.UtcDateTime, now.UtcDateTime, _zone, fromInclusive: false, toInclusive: true))
        {
            latest = occurrence;
        }

        return latest is { } found ? new DateTimeOffset(found, TimeSpan.Zero) : null;
    }
}
