using System.Text.Json.Serialization;
using Tally.Batches;
using Tally.Jobs;

namespace Tally.Schedules;

/// <summary>A schedule as the API shows it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Cron">The cron expression.</param>
/// <param name="TimeZone">The IANA time zone it is read in.</param>
/// <param name="Mode"><c>jobs</c> or <c>batch</c>.</param>
/// <param name="MaxParallelism">A batch's parallelism, if given.</param>
/// <param name="UrlCount">How many URLs each run counts.</param>
/// <param name="Paused">Whether occurrences are skipped.</param>
/// <param name="NextRuns">The next five occurrences, UTC (none while paused).</param>
/// <param name="Runs">The most recent runs, newest first (absent in a listing).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When its definition was last written.</param>
/// <param name="StatusUrl">Where it is read.</param>
/// <param name="CallbackUrl">Where each run's jobs or batch call back, if anywhere.</param>
/// <param name="CallbackMode">In jobs mode with a callback, <c>job</c> (a call per job) or <c>request</c> (a call per run); absent for a batch, which calls once a run.</param>
public sealed record Schedule(
    string Name,
    string Cron,
    string TimeZone,
    string Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxParallelism,
    int UrlCount,
    bool Paused,
    IReadOnlyList<DateTimeOffset> NextRuns,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ScheduleRun>? Runs,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string StatusUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CallbackUrl = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CallbackMode = null)
{
    /// <summary>How many occurrences <see cref="NextRuns"/> shows.</summary>
    public const int NextRunCount = 5;

    /// <summary>The path at which a schedule is read.</summary>
    public static string StatusPath(string name) => $"/api/schedules/{name}";

    /// <summary>A stored schedule as shown, with <paramref name="runs"/> if given.</summary>
    public static Schedule From(ScheduleEntity entity, DateTimeOffset now, IReadOnlyList<ScheduleRunEntity>? runs) => new(
        entity.Name, entity.Cron, entity.TimeZone, entity.Mode, entity.MaxParallelism, entity.UrlCount, entity.Paused,
        entity.Paused ? [] : entity.ToCron().Next(now, NextRunCount),
        runs?.Select(ScheduleRun.From).ToArray(),
        entity.CreatedAt, entity.UpdatedAt, StatusPath(entity.Name), entity.CallbackUrl,
        entity.CallbackUrl is null || entity.Mode == ScheduleModes.Batch ? null : entity.CallbackMode ?? Callbacks.CallbackModes.Job);
}

/// <summary>One run of a schedule: an occurrence, and what it created.</summary>
/// <param name="DueAt">When the occurrence was due (for a triggered run, when it was asked for).</param>
/// <param name="StartedAt">When a fire took it on.</param>
/// <param name="Status"><c>created</c>, <c>missed</c>, or <c>pending</c> while its creation is under way.</param>
/// <param name="Triggered">Whether it was asked for with <c>POST …/trigger</c>.</param>
/// <param name="Jobs">The ids of the jobs it created (jobs mode).</param>
/// <param name="JobUrls">Their status URLs, in the same order.</param>
/// <param name="Batch">The id of the batch it started (batch mode).</param>
/// <param name="BatchUrl">The batch's status URL.</param>
public sealed record ScheduleRun(
    DateTimeOffset DueAt,
    DateTimeOffset StartedAt,
    string Status,
    bool Triggered,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Jobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? JobUrls,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Batch,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BatchUrl)
{
    /// <summary>A stored run as shown.</summary>
    public static ScheduleRun From(ScheduleRunEntity run)
    {
        var created = run.Status == ScheduleRunStatus.Created;
        var jobs = created && run.Mode == ScheduleModes.Jobs ? run.JobIdsCreated() : null;
        var batch = created && run.Mode == ScheduleModes.Batch ? BatchService.IdOf(run.RequestKey) : null;
        return new ScheduleRun(run.DueAt, run.StartedAt, run.Status, run.Triggered, jobs, jobs?.Select(Job.StatusPath).ToArray(), batch, batch is null ? null : Tally.Batches.Batch.StatusPath(batch));
    }
}

/// <summary>What <c>PUT /api/schedules/{name}</c> asks for, already checked.</summary>
/// <param name="Cron">The parsed cron expression's text.</param>
/// <param name="TimeZone">The IANA time zone.</param>
/// <param name="Mode"><c>jobs</c> or <c>batch</c>.</param>
/// <param name="Urls">The URLs each run counts.</param>
/// <param name="MaxParallelism">A batch's parallelism, if given.</param>
/// <param name="Callback">Where each run's jobs or batch call back, if anywhere.</param>
public sealed record ScheduleDefinition(string Cron, string TimeZone, string Mode, IReadOnlyList<Uri> Urls, int? MaxParallelism, Callbacks.CallbackTarget? Callback = null);
