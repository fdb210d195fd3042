using System.Globalization;
using Azure.Data.Tables;
using Tally.Jobs;
using Tally.Schedules;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Schedules;

/// <summary>
/// Occurrences through the app's own services on Azurite, the app's clock moved by the test: each runs once whoever fires
/// it and however often, a fire that dies between taking and creating is finished once, a late one runs or is missed.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ScheduleFiringTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    private readonly string _name = "s-" + Guid.NewGuid().ToString("n")[..12];

    [Fact]
    public async Task EachOccurrence_RunsOnce_WhenTwoHostsAndADuplicateFireItTogether()
    {
        await using var other = new TallyApp(Azurite); // a second instance: its own services, the same storage
        App.Clock.SetUtcNow(Monday);
        other.Clock.SetUtcNow(Monday);
        await PutAsync("*/10 * * * * *", "UTC", origin.Page("one two"), origin.Page("three"));

        for (var occurrence = 0; occurrence < 5; occurrence++)
        {
            App.Clock.Advance(TimeSpan.FromSeconds(10));
            other.Clock.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAll(Fire(App), Fire(other), Fire(App), Fire(other));
        }

        var messages = await AllMessagesCountAsync();
        await App.Host.DrainAsync();
        var runs = (await GetAsync()).Runs!;
        var jobs = await Task.WhenAll(runs.SelectMany(run => run.Jobs!).Select(App.GetJobAsync));

        Assert.Equal(5, runs.Count);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Monday.AddSeconds(10 * i)).Reverse(), runs.Select(run => run.DueAt));
        Assert.All(runs, run => Assert.Equal(("created", 2), (run.Status, run.Jobs!.Count)));
        Assert.Equal(5, messages); // one message an occurrence: no second creation sent another
        Assert.All(jobs, job => Assert.Equal(("succeeded", 1), (job.Text("status"), job.Body.GetProperty("attempts").GetInt32())));
    }

    [Theory]
    [InlineData("the job messages")]
    [InlineData("the run's record")]
    public async Task AFireThatDiesBetweenDueAndCreated_IsFinishedOnce_ByALaterFire(string failing)
    {
        App.Clock.SetUtcNow(Monday);
        await PutAsync("0 * * * *", "UTC", origin.Page("a b c"));
        App.Clock.Advance(TimeSpan.FromHours(1));
        App.Faults.FailWhen = failing == "the job messages"
            ? request => request.Uri.Path.EndsWith("/tally-jobs/messages", StringComparison.Ordinal)
            : request => request.Method.ToString() == "PUT" && request.Uri.Path.Contains(ScheduleStore.RunsTableName + "(", StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<Exception>(() => Fire(App));
        App.Faults.FailWhen = null;
        var left = Assert.Single((await GetAsync()).Runs!);
        await Fire(App); // within the lease: the fire that took it may still be creating
        var waiting = Assert.Single((await GetAsync()).Runs!);
        App.Clock.Advance(ScheduleFirer.PendingLease + TimeSpan.FromSeconds(1));
        await Fire(App);
        await Fire(App);
        await App.Host.DrainAsync();
        var run = Assert.Single((await GetAsync()).Runs!);
        var job = await App.GetJobAsync(Assert.Single(run.Jobs!));

        Assert.Equal(("pending", "pending"), (left.Status, waiting.Status));
        Assert.Equal((Monday.AddHours(1), "created"), (run.DueAt, run.Status));
        Assert.Equal(("succeeded", 1, 3L), (job.Text("status"), job.Body.GetProperty("attempts").GetInt32(), job.Body.GetProperty("words").GetInt64()));
        Assert.Equal(1, await RecordsOfAsync(run.Jobs![0][..JobIds.KeyLength]));
    }

    [Fact]
    public async Task ALateFire_RunsTheOccurrenceWithinTheMisfireWindow_AndRecordsItMissedPastIt_NeverABurst()
    {
        App.Clock.SetUtcNow(Monday); // 05:00 in Paris
        await PutAsync("0 6 * * *", "Europe/Paris", origin.Page("x"));

        App.Clock.SetUtcNow(Monday.AddHours(1).AddMinutes(4)); // 06:04 Paris: four minutes late, within the five-minute window
        await Fire(App);
        App.Clock.SetUtcNow(Monday.AddDays(1).AddHours(1).AddMinutes(6)); // the next day, six minutes late
        await Fire(App);
        App.Clock.SetUtcNow(Monday.AddDays(5).AddHours(2)); // down for four occurrences
        await Fire(App);
        var runs = (await GetAsync()).Runs!;

        Assert.Equal(
            [("2026-12-12T05:00:00Z", "missed"), ("2026-12-08T05:00:00Z", "missed"), ("2026-12-07T05:00:00Z", "created")],
            runs.Select(run => (Text(run.DueAt), run.Status)));
        Assert.Null(runs[0].Jobs);
    }

    [Fact]
    public async Task APausedSchedule_RecordsNoRunForWhatItSkips_AndResumesFromNow()
    {
        App.Clock.SetUtcNow(Monday);
        var schedules = App.Get<ScheduleService>();
        await PutAsync("0 * * * *", "UTC", origin.Page("x"));

        var paused = await schedules.PauseAsync(_name, default);
        App.Clock.Advance(TimeSpan.FromHours(3));
        await Fire(App);
        var resumed = await schedules.ResumeAsync(_name, default);
        await Fire(App); // the occurrences passed while paused are not run now
        var whilePaused = (await GetAsync()).Runs!;
        App.Clock.Advance(TimeSpan.FromHours(1));
        await Fire(App);

        Assert.Equal((true, 0), (paused!.Paused, paused.NextRuns.Count));
        Assert.Equal((false, Monday.AddHours(4)), (resumed!.Paused, resumed.NextRuns[0]));
        Assert.Empty(whilePaused);
        Assert.Equal(Monday.AddHours(4), Assert.Single((await GetAsync()).Runs!).DueAt);
    }

    [Fact]
    public async Task ATickThatArrivesEarly_HidesAgainForTheTimeLeft_AndFiresNothing()
    {
        App.Clock.SetUtcNow(Monday);
        await PutAsync("0 6 1 6 *", "UTC", origin.Page("x")); // once a year: its tick is hidden a week, six months running
        var ticks = App.Queues.GetQueueClient(ScheduleTicks.QueueName);
        await ticks.ClearMessagesAsync();

        App.Clock.Advance(TimeSpan.FromDays(7));
        await App.Get<ScheduleFirer>().OnTickAsync($$"""{"name":"{{_name}}","dueAt":"2027-06-01T06:00:00Z"}""", null, default);

        Assert.Equal(1, (await ticks.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await ticks.PeekMessagesAsync()).Value); // hidden
        Assert.Empty((await GetAsync()).Runs!);
    }

    [Fact]
    public async Task Trigger_RunsNow_AsARunOfItsOwn()
    {
        App.Clock.SetUtcNow(Monday);
        await PutAsync("0 6 * * *", "UTC", origin.Page("a b"));

        var run = await App.Get<ScheduleService>().TriggerAsync(_name, null, default);
        await App.Host.DrainAsync();

        Assert.Equal((Monday, "created", true), (run!.DueAt, run.Status, run.Triggered));
        Assert.Equal("succeeded", (await App.GetJobAsync(Assert.Single(run.Jobs!))).Text("status"));
    }

    private Task PutAsync(string cron, string zone, params Uri[] urls) =>
        App.Get<ScheduleService>().PutAsync(_name, new ScheduleDefinition(cron, zone, ScheduleModes.Jobs, urls, null), default);

    private Task Fire(TallyApp app) => app.Get<ScheduleFirer>().FireAsync(_name, null, default);

    private async Task<Schedule> GetAsync() => (await App.Get<ScheduleService>().GetAsync(_name, default))!;

    private async Task<int> AllMessagesCountAsync() =>
        (await App.Queues.GetQueueClient(JobStorage.QueueName).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private async Task<int> RecordsOfAsync(string requestKey) =>
        (await App.Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {requestKey}")).ToListAsync()).Count(row => JobIds.IsHex(row.RowKey));

    private static string Text(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
