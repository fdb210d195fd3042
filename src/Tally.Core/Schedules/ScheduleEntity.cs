using Azure;
using Azure.Data.Tables;

namespace Tally.Schedules;

/// <summary>A schedule as stored in table <c>TallySchedules</c>: one row, keyed by name, in one partition; its URLs are in a blob.</summary>
public sealed class ScheduleEntity : ITableEntity
{
    /// <summary>The one partition every schedule is in.</summary>
    public const string Partition = "schedule";

    /// <inheritdoc />
    public string PartitionKey { get; set; } = Partition;

    /// <summary>The schedule's name.</summary>
    public string RowKey { get; set; } = "";

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    /// <summary>The cron expression.</summary>
    public string Cron { get; set; } = "";

    /// <summary>The IANA time zone the expression is read in.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary><c>jobs</c> or <c>batch</c>.</summary>
    public string Mode { get; set; } = ScheduleModes.Jobs;

    /// <summary>A batch's parallelism, if given.</summary>
    public int? MaxParallelism { get; set; }

    /// <summary>Where each run's jobs or batch call back, if anywhere.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>In jobs mode, <c>request</c> for one call per run; null for a call per job.</summary>
    public string? CallbackMode { get; set; }

    /// <summary>How many URLs each run counts.</summary>
    public int UrlCount { get; set; }

    /// <summary>The blob holding the URLs, a line each.</summary>
    public string UrlsBlob { get; set; } = "";

    /// <summary>Whether occurrences are skipped (and not recorded).</summary>
    public bool Paused { get; set; }

    /// <summary>
    /// A random id given when the schedule is created (not when replaced): its runs are keyed under it, so a schedule
    /// deleted and created again under the same name never meets the runs of the one before.
    /// </summary>
    public string Incarnation { get; set; } = "";

    /// <summary>Occurrences after this may run: the schedule was created, replaced or resumed then.</summary>
    public DateTimeOffset ActiveSince { get; set; }

    /// <summary>The last occurrence handled (run or missed): the next fire looks only after it.</summary>
    public DateTimeOffset? LastDueAt { get; set; }

    /// <summary>The occurrence the tick chain's message is hidden until: whoever moves it on sends the next message.</summary>
    public DateTimeOffset? NextTickAt { get; set; }

    /// <summary>When the schedule was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the schedule's definition was last written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The schedule's name.</summary>
    public string Name => RowKey;

    /// <summary>The parsed expression (the stored one was checked when written).</summary>
    public CronSchedule ToCron() => CronSchedule.Parse(Cron, TimeZone).Schedule!;
}

/// <summary>What a schedule runs.</summary>
public static class ScheduleModes
{
    /// <summary>A job for each URL.</summary>
    public const string Jobs = "jobs";

    /// <summary>One batch over the URLs.</summary>
    public const string Batch = "batch";
}
