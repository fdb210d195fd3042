using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Tally.Jobs;

namespace Tally.Schedules;

/// <summary>
/// One occurrence of a schedule, in table <c>TallyScheduleRuns</c>: partition the schedule's name, row
/// <c>{incarnation}-{reversed due ticks}</c> (newest first). Inserted before anything is created, insert-only: the row is
/// the occurrence's claim, so a second fire of the same occurrence meets a 409 and creates nothing new.
/// </summary>
public sealed class ScheduleRunEntity : ITableEntity
{
    /// <summary>The schedule's name.</summary>
    public string PartitionKey { get; set; } = "";

    /// <summary><c>{incarnation}-{reversed due ticks}</c>.</summary>
    public string RowKey { get; set; } = "";

    /// <inheritdoc />
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc />
    public ETag ETag { get; set; }

    /// <summary>The occurrence: when it was due (for a triggered run, when it was asked for).</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When a fire took the occurrence on.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary><c>pending</c> (taken, creating), <c>created</c> or <c>missed</c>.</summary>
    public string Status { get; set; } = ScheduleRunStatus.Pending;

    /// <summary>Whether the run was asked for (<c>POST …/trigger</c>) rather than due by the cron expression.</summary>
    public bool Triggered { get; set; }

    /// <summary><c>jobs</c> or <c>batch</c>, as the schedule said when the occurrence was taken.</summary>
    public string Mode { get; set; } = ScheduleModes.Jobs;

    /// <summary>The blob of URLs the run counts.</summary>
    public string UrlsBlob { get; set; } = "";

    /// <summary>How many jobs the run creates (jobs mode).</summary>
    public int JobCount { get; set; }

    /// <summary>A batch's parallelism (batch mode).</summary>
    public int? MaxParallelism { get; set; }

    /// <summary>Where the run's jobs or batch call back, as the schedule said when the occurrence was taken.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>In jobs mode, <c>request</c> for one call once every job of the run is final; null for a call per job.</summary>
    public string? CallbackMode { get; set; }

    /// <summary>The callback the run's jobs or batch carry, if any (a method: the table stores properties).</summary>
    public Callbacks.CallbackTarget? ToCallback() => CallbackUrl is null ? null : new(new Uri(CallbackUrl), CallbackMode ?? Callbacks.CallbackModes.Job);

    /// <summary>
    /// The request key of what the occurrence creates, derived from the occurrence alone: its jobs' ids, or its batch's.
    /// A fire that finishes another's occurrence creates under the same key, so never twice.
    /// </summary>
    public string RequestKey { get; set; } = "";

    /// <summary>The run's row key for <paramref name="incarnation"/> and <paramref name="dueAt"/>.</summary>
    public static string Row(string incarnation, DateTimeOffset dueAt) => $"{incarnation}-{DateTimeOffset.MaxValue.UtcTicks - dueAt.UtcTicks:d19}";

    /// <summary>
    /// The request key of an occurrence: the due time as a job id's clock (so its jobs are listed by the hour they run in),
    /// then 64 bits of a hash of the schedule's name, incarnation and due time.
    /// </summary>
    public static string KeyOf(string name, string incarnation, DateTimeOffset dueAt)
    {
        var clock = JobIds.NewKey(dueAt)[..12];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{name}\n{incarnation}\n{dueAt.UtcTicks}"));
        return clock + Convert.ToHexStringLower(hash, 0, 8);
    }

    /// <summary>The ids of the jobs the run created.</summary>
    public IReadOnlyList<string> JobIdsCreated() =>
        Status == ScheduleRunStatus.Created && Mode == ScheduleModes.Jobs ? [.. Enumerable.Range(0, JobCount).Select(i => RequestKey + JobIds.Row(i))] : [];
}

/// <summary>The statuses of a schedule's run.</summary>
public static class ScheduleRunStatus
{
    /// <summary>Taken by a fire, its jobs or batch not yet known to be created: the next fire finishes it.</summary>
    public const string Pending = "pending";

    /// <summary>Its jobs or batch were created.</summary>
    public const string Created = "created";

    /// <summary>Due while the app could not run it, and later than the misfire window when it could: not run.</summary>
    public const string Missed = "missed";
}
