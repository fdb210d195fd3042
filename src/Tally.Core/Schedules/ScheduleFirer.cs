using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tally.Batches;
using Tally.Jobs;

namespace Tally.Schedules;

/// <summary>
/// Runs a schedule's occurrences: woken by its tick (a queue message hidden until the occurrence), by the sweep (a timer
/// every minute, for a tick that was lost) or by a trigger, it takes the occurrence with an insert-only run row and
/// creates the jobs or batch under a key derived from the occurrence.
/// </summary>
/// <remarks>
/// <para>
/// Exactly one run per occurrence, however many instances, restarts and duplicate wake-ups: the run row (schedule,
/// incarnation, due instant) is inserted before anything is created, so a second fire meets a 409 and creates nothing;
/// and what the row's fire creates has ids derived from the occurrence, so a fire that dies between the row and the
/// creation is finished by a later one (after <see cref="PendingLease"/>) under the same ids, and an enqueue or batch
/// start repeated under its key creates nothing twice.
/// </para>
/// <para>
/// When a fire comes late (the app was down, or a tick was lost), only the latest occurrence due is considered: it runs if
/// it is within the misfire window, and is recorded <c>missed</c> otherwise; the occurrences before it are passed over,
/// never run in a burst.
/// </para>
/// </remarks>
public sealed partial class ScheduleFirer(
    ScheduleStore store, ScheduleTicks ticks, JobService jobs, BatchService batches, IOptionsMonitor<SchedulesOptions> options, TimeProvider time, ILogger<ScheduleFirer> logger)
{
    /// <summary>How long a fire leaves a run another took before finishing it: far longer than creating one takes.</summary>
    public static readonly TimeSpan PendingLease = TimeSpan.FromMinutes(1);

    /// <summary>Handles a tick: an early one (hidden a week at most) is sent again for the time left; a due one fires.</summary>
    public async Task OnTickAsync(string text, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        if (ScheduleTicks.Parse(text) is not { } tick)
        {
            LogMalformed(text);
            return;
        }

        if (tick.DueAt > time.GetUtcNow())
        {
            await ticks.SendAsync(tick.Name, tick.DueAt, cancellationToken).ConfigureAwait(false);
            return;
        }

        await FireAsync(tick.Name, client, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fires every schedule: what a lost tick or a crashed fire left is done within a sweep.</summary>
    public async Task SweepAsync(DurableTaskClient? client, CancellationToken cancellationToken)
    {
        for (string? after = null; ;)
        {
            var (page, more) = await store.ListAsync(after, 100, cancellationToken).ConfigureAwait(false);
            foreach (var schedule in page)
            {
                try
                {
                    await FireAsync(schedule.Name, client, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(ex, schedule.Name); // one schedule's trouble is not the others'
                }
            }

            if (!more)
            {
                return;
            }

            after = page[^1].Name;
        }
    }

    /// <summary>Takes and runs the latest occurrence due, finishes runs other fires left pending, and keeps the tick chain going.</summary>
    public async Task FireAsync(string name, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var schedule = await store.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (schedule is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var left in await store.PendingRunsAsync(schedule, cancellationToken).ConfigureAwait(false))
        {
            if (left.StartedAt < now - PendingLease && await store.TakeOverAsync(left, now, cancellationToken).ConfigureAwait(false))
            {
                LogFinishing(name, left.DueAt);
                await CreateAsync(left, client, cancellationToken).ConfigureAwait(false);
            }
        }

        if (schedule.Paused)
        {
            return;
        }

        var cron = schedule.ToCron();
        var since = schedule.LastDueAt > schedule.ActiveSince ? schedule.LastDueAt.Value : schedule.ActiveSince;
        var taken = default(ScheduleRunEntity);
        if (cron.Latest(since, now) is { } due)
        {
            var late = now - due > options.CurrentValue.MisfireWindow;
            var (run, won) = await store.TakeAsync(NewRun(schedule, due, now, late ? ScheduleRunStatus.Missed : ScheduleRunStatus.Pending, triggered: false), cancellationToken).ConfigureAwait(false);
            taken = won ? run : null;
            if (won && late)
            {
                LogMissed(name, due, now - due);
            }

            schedule.LastDueAt = due;
        }

        // The chain's tick has come (or was never sent): whoever moves it on, by ETag, sends the next one, so one chain lives.
        var chain = schedule.NextTickAt is not { } tickAt || tickAt <= now;
        var next = chain ? cron.Next(now) : null;
        if (chain)
        {
            schedule.NextTickAt = next;
        }

        if ((taken is not null || chain) && await store.SaveAsync(schedule, cancellationToken).ConfigureAwait(false) && next is { } following)
        {
            await ticks.SendAsync(name, following, cancellationToken).ConfigureAwait(false);
        }

        if (taken is { Status: ScheduleRunStatus.Pending })
        {
            await CreateAsync(taken, client, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a schedule now, as an occurrence of its own (due this millisecond); null when there is no such schedule.</summary>
    public async Task<ScheduleRunEntity?> TriggerAsync(string name, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var schedule = await store.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (schedule is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var (run, won) = await store.TakeAsync(NewRun(schedule, at, now, ScheduleRunStatus.Pending, triggered: true), cancellationToken).ConfigureAwait(false);
        if (won)
        {
            await CreateAsync(run, client, cancellationToken).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>Creates a taken run's jobs or batch under its key, then records it created; repeating it creates nothing new.</summary>
    private async Task CreateAsync(ScheduleRunEntity run, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var urls = await store.ReadUrlsAsync(run.UrlsBlob, cancellationToken).ConfigureAwait(false);
        if (run.Mode == ScheduleModes.Batch)
        {
            await batches.StartAsync(
                client ?? throw new InvalidOperationException("A batch schedule fires only where a Durable client is bound."), urls, run.MaxParallelism, run.RequestKey, cancellationToken, run.ToCallback()?.Url)
                .ConfigureAwait(false);
        }
        else
        {
            await jobs.EnqueueAsync(urls, null, run.RequestKey, null, cancellationToken, run.ToCallback()).ConfigureAwait(false);
        }

        await store.MarkCreatedAsync(run, cancellationToken).ConfigureAwait(false);
        LogCreated(run.PartitionKey, run.DueAt, run.Mode, time.GetUtcNow() - run.DueAt);
    }

    private static ScheduleRunEntity NewRun(ScheduleEntity schedule, DateTimeOffset due, DateTimeOffset now, string status, bool triggered) => new()
    {
        PartitionKey = schedule.Name,
        RowKey = ScheduleRunEntity.Row(schedule.Incarnation, due),
        DueAt = due,
        StartedAt = now,
        Status = status,
        Triggered = triggered,
        Mode = schedule.Mode,
        UrlsBlob = schedule.UrlsBlob,
        JobCount = schedule.UrlCount,
        MaxParallelism = schedule.MaxParallelism,
        CallbackUrl = schedule.CallbackUrl,
        CallbackMode = schedule.CallbackMode,
        RequestKey = ScheduleRunEntity.KeyOf(schedule.Name, schedule.Incarnation, due),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on tally-schedule-ticks that is not a tick: {Message}")]
    private partial void LogMalformed(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Name}: the occurrence due {DueAt} created its {Mode}, {Lateness} after it was due")]
    private partial void LogCreated(string name, DateTimeOffset dueAt, string mode, TimeSpan lateness);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {Name}: the occurrence due {DueAt} was missed, {Lateness} late, past the misfire window")]
    private partial void LogMissed(string name, DateTimeOffset dueAt, TimeSpan lateness);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {Name}: finishing the occurrence due {DueAt}, which a fire took and did not finish")]
    private partial void LogFinishing(string name, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweep could not fire schedule {Name}")]
    private partial void LogSweepFailed(Exception ex, string name);
}
