using Microsoft.Extensions.DependencyInjection;
using Tally.Batches;
using Tally.Functions.Schedules;
using Tally.Schedules;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Schedules;

/// <summary>
/// Batch-mode occurrences end to end: the app's firer, its clock moved by the test, starts the batch on
/// <c>DurableTaskTestHost</c> (the real orchestrator and activities), which counts pages from a real origin on 127.0.0.1.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class BatchScheduleFiringTests(Azurite azurite, Origin origin) : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    private readonly string _name = "b-" + Guid.NewGuid().ToString("n")[..12];
    private BatchApp _app = null!;

    public async Task InitializeAsync() => _app = await BatchApp.StartAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ABatchOccurrence_StartsOneBatchUnderTheRunsId_ThatCountsEveryUrl_AndADuplicateFireStartsNone()
    {
        var urls = Enumerable.Range(1, 20).Select(i => origin.Page(string.Join(' ', Enumerable.Repeat("w", i)))).ToArray();
        _app.Clock.SetUtcNow(Monday);
        await PutAsync(urls);
        _app.Clock.Advance(TimeSpan.FromHours(1));

        await Task.WhenAll(Fire(), Fire()); // a tick and the sweep at once
        var run = Assert.Single((await GetAsync()).Runs!);
        var batch = await _app.CompletedAsync(run.Batch!);
        await Fire(); // the same occurrence's tick delivered again, after the batch has ended
        var read = await _app.ExecuteAsync(Api.GetSchedule(TallyApp.Request("GET"), _name, default));
        var listed = read.Body.GetProperty("runs").EnumerateArray().Single();
        var (batches, _) = await _app.Batches.ListAsync(_app.Client, null, 100, null, default);
        var result = batch.Body.GetProperty("result");

        Assert.Equal((Monday.AddHours(1), "created", null), (run.DueAt, run.Status, run.Jobs));
        Assert.Equal(run.Batch, Assert.Single(batches).Id); // no second batch, from the duplicate fires or the late one
        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal((20 * 21 / 2, 20, 0), (result.GetProperty("totalWords").GetInt64(), result.GetProperty("succeeded").GetInt32(), result.GetProperty("failed").GetInt32()));
        Assert.All(urls, url => Assert.Equal(1, origin.Hits(url)));
        Assert.Equal(200, read.Status);
        Assert.Equal((run.Batch, $"/api/batches/{run.Batch}", "created"), (listed.GetProperty("batch").GetString(), listed.GetProperty("batchUrl").GetString(), listed.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ABatchOccurrenceWhoseStartFailed_IsStartedOnce_ByAFireAfterTheLease()
    {
        var urls = new[] { origin.Page("one two"), origin.Page("three") };
        _app.Clock.SetUtcNow(Monday);
        await PutAsync(urls);
        _app.Clock.Advance(TimeSpan.FromHours(1));
        _app.Faults.FailWhen = request => request.Uri.Path.Contains($"/{BatchStore.ContainerName}/", StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<Exception>(Fire);
        _app.Faults.FailWhen = null;
        var left = Assert.Single((await GetAsync()).Runs!);
        _app.Clock.Advance(ScheduleFirer.PendingLease + TimeSpan.FromSeconds(1));
        await Task.WhenAll(Fire(), Fire()); // a tick and the sweep both find it left: one takes it over
        await Fire(); // finds it created: starts nothing
        var run = Assert.Single((await GetAsync()).Runs!);
        var batch = await _app.CompletedAsync(run.Batch!);
        var (batches, _) = await _app.Batches.ListAsync(_app.Client, null, 100, null, default);

        Assert.Equal(("pending", null), (left.Status, left.Batch));
        Assert.Equal((Monday.AddHours(1), "created"), (run.DueAt, run.Status));
        Assert.Equal(run.Batch, Assert.Single(batches).Id);
        Assert.Equal(("completed", 3L), (batch.Text("status"), batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64()));
        Assert.All(urls, url => Assert.Equal(1, origin.Hits(url)));
    }

    private SchedulesApi Api => ActivatorUtilities.CreateInstance<SchedulesApi>(_app.Services);

    private Task PutAsync(Uri[] urls) =>
        _app.Services.GetRequiredService<ScheduleService>().PutAsync(_name, new ScheduleDefinition("0 * * * *", "UTC", ScheduleModes.Batch, urls, 16), default);

    private Task Fire() => _app.Services.GetRequiredService<ScheduleFirer>().FireAsync(_name, _app.Client, default);

    private async Task<Schedule> GetAsync() => (await _app.Services.GetRequiredService<ScheduleService>().GetAsync(_name, default))!;
}
