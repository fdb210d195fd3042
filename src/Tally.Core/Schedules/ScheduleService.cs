using System.Security.Cryptography;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Tally.Callbacks;

namespace Tally.Schedules;

/// <summary>What the schedules API does: create or replace, read, list, pause, resume, trigger and delete schedules.</summary>
public sealed class ScheduleService(ScheduleStore store, ScheduleTicks ticks, ScheduleFirer firer, IOptionsMonitor<SchedulesOptions> options, TimeProvider time)
{
    private const int MaxConflicts = 8;

    /// <summary>Creates or replaces a schedule; occurrences count from now. Its first tick is sent, hidden until its next occurrence.</summary>
    /// <returns>The schedule, and whether it was created (rather than replaced).</returns>
    public async Task<(Schedule Schedule, bool Created)> PutAsync(string name, ScheduleDefinition definition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var blob = await store.WriteUrlsAsync(name, definition.Urls, now, cancellationToken).ConfigureAwait(false);
        for (var conflicts = 0; ; conflicts++)
        {
            var existing = await store.FindAsync(name, cancellationToken).ConfigureAwait(false);
            var schedule = existing ?? new ScheduleEntity
            {
                RowKey = name,
                Incarnation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                CreatedAt = now,
            };
            schedule.Cron = definition.Cron;
            schedule.TimeZone = definition.TimeZone;
            schedule.Mode = definition.Mode;
            schedule.MaxParallelism = definition.MaxParallelism;
            schedule.CallbackUrl = definition.Callback?.Url.AbsoluteUri;
            schedule.CallbackMode = definition.Callback?.Mode == CallbackModes.Request ? CallbackModes.Request : null;
            schedule.UrlCount = definition.Urls.Count;
            schedule.UrlsBlob = blob;
            schedule.ActiveSince = now;
            schedule.UpdatedAt = now;
            schedule.NextTickAt = schedule.ToCron().Next(now);
            var saved = existing is null
                ? await store.AddAsync(schedule, cancellationToken).ConfigureAwait(false)
                : await store.SaveAsync(schedule, cancellationToken).ConfigureAwait(false);
            if (saved)
            {
                await StartChainAsync(schedule, cancellationToken).ConfigureAwait(false);
                return (await ShowAsync(schedule, cancellationToken).ConfigureAwait(false), existing is null);
            }

            if (conflicts == MaxConflicts)
            {
                throw new InvalidOperationException($"Schedule '{name}' kept changing while it was written.");
            }
        }
    }

    /// <summary>A schedule with its next occurrences and recent runs; null when there is none.</summary>
    public async Task<Schedule?> GetAsync(string name, CancellationToken cancellationToken) =>
        await store.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } schedule
            ? await ShowAsync(schedule, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Schedules by name, a page at a time (without their runs).</summary>
    /// <returns>The page, and the name the next page starts after (null on the last page).</returns>
    public async Task<(IReadOnlyList<Schedule> Schedules, string? Continuation)> ListAsync(int limit, string? after, CancellationToken cancellationToken)
    {
        var (page, more) = await store.ListAsync(after, limit, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return ([.. page.Select(s => Schedule.From(s, now, null))], more ? page[^1].Name : null);
    }

    /// <summary>Pauses a schedule: its occurrences are skipped, and no run is recorded for them.</summary>
    public Task<Schedule?> PauseAsync(string name, CancellationToken cancellationToken) =>
        ChangeAsync(name, (schedule, _) => schedule.Paused = true, cancellationToken);

    /// <summary>Resumes a paused schedule: occurrences count from now, and its tick is sent.</summary>
    public Task<Schedule?> ResumeAsync(string name, CancellationToken cancellationToken) =>
        ChangeAsync(
            name,
            (schedule, now) =>
            {
                if (schedule.Paused)
                {
                    schedule.Paused = false;
                    schedule.ActiveSince = now;
                    schedule.NextTickAt = schedule.ToCron().Next(now);
                }
            },
            cancellationToken);

    /// <summary>Runs a schedule now; null when there is none.</summary>
    public async Task<ScheduleRun?> TriggerAsync(string name, DurableTaskClient? client, CancellationToken cancellationToken) =>
        await firer.TriggerAsync(name, client, cancellationToken).ConfigureAwait(false) is { } run ? ScheduleRun.From(run) : null;

    /// <summary>Deletes a schedule and its runs; false when there was none. A tick still hidden finds nothing and does nothing.</summary>
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => store.DeleteAsync(name, cancellationToken);

    private async Task<Schedule?> ChangeAsync(string name, Action<ScheduleEntity, DateTimeOffset> change, CancellationToken cancellationToken)
    {
        for (var conflicts = 0; conflicts <= MaxConflicts; conflicts++)
        {
            if (await store.FindAsync(name, cancellationToken).ConfigureAwait(false) is not { } schedule)
            {
                return null;
            }

            var wasPaused = schedule.Paused;
            change(schedule, time.GetUtcNow());
            if (await store.SaveAsync(schedule, cancellationToken).ConfigureAwait(false))
            {
                if (wasPaused && !schedule.Paused)
                {
                    await StartChainAsync(schedule, cancellationToken).ConfigureAwait(false);
                }

                return await ShowAsync(schedule, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"Schedule '{name}' kept changing while it was written.");
    }

    /// <summary>Sends the tick for the occurrence just written to <see cref="ScheduleEntity.NextTickAt"/>: the chain's first link.</summary>
    private async Task StartChainAsync(ScheduleEntity schedule, CancellationToken cancellationToken)
    {
        if (!schedule.Paused && schedule.NextTickAt is { } next)
        {
            await ticks.SendAsync(schedule.Name, next, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Schedule> ShowAsync(ScheduleEntity schedule, CancellationToken cancellationToken) =>
        Schedule.From(schedule, time.GetUtcNow(), await store.RecentRunsAsync(schedule, options.CurrentValue.RecentRuns, cancellationToken).ConfigureAwait(false));
}
