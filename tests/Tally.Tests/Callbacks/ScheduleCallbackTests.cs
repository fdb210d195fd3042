using System.Text.Json;
using Tally.Functions.Schedules;
using Tally.Schedules;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>A jobs-mode schedule with a <c>callbackUrl</c>: each run's jobs call back, one call a job or, in request mode, one a run.</summary>
[Collection(CallbackCollection.Name)]
public sealed class ScheduleCallbackTests(Azurite azurite, Origin origin, Receiver receiver) : CallbackAppTests(azurite, receiver)
{
    /// <summary>Every ten seconds: the app's clock is moved a little, as calls are signed at its time and receivers allow five minutes.</summary>
    private const string EveryTenSeconds = "*/10 * * * * *";

    private readonly string _name = "c-" + Guid.NewGuid().ToString("n")[..12];

    [Fact]
    public async Task EachRunsJobs_CallBack_OnceAJob()
    {
        var hook = Receiver.Endpoint();
        var put = await PutAsync(new { cron = EveryTenSeconds, timeZone = "UTC", urls = new[] { origin.Page("a b"), origin.Page("c") }, callbackUrl = hook });

        var runs = await RunTwiceAsync();
        var calls = await CallsAsync(hook, 4);

        Assert.Equal(201, put.Status);
        Assert.Equal((hook.AbsoluteUri, "job"), (put.Text("callbackUrl"), put.Text("callbackMode")));
        Assert.Equal(runs.SelectMany(run => run.Jobs!).Order(), calls.Select(call => call.Json.GetProperty("data").GetProperty("id").GetString()!).Order());
        Assert.All(calls, call => Assert.Equal(("job.succeeded", null), (call.Json.GetProperty("type").GetString(), call.VerifyError)));
    }

    [Fact]
    public async Task RequestMode_CallsOnceARun_WhenEverythingTheRunCreatedIsFinal()
    {
        var hook = Receiver.Endpoint();
        await PutAsync(new { cron = EveryTenSeconds, timeZone = "UTC", urls = new[] { origin.Page("a b"), origin.Status(404) }, callbackUrl = hook, callbackMode = "request" });

        var runs = await RunTwiceAsync();
        var calls = await CallsAsync(hook, 2);

        Assert.Equal(2, calls.Count);
        Assert.All(calls, call => Assert.Equal("request.completed", call.Json.GetProperty("type").GetString()));
        Assert.Equal(
            runs.Select(run => string.Join(',', run.Jobs!)).Order(),
            calls.Select(call => string.Join(',', call.Json.GetProperty("data").GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("id").GetString()))).Order());
        Assert.All(calls, call => Assert.Equal(["succeeded", "failed"], call.Json.GetProperty("data").GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("status").GetString())));
    }

    [Fact]
    public async Task ACallbackModeOnABatchSchedule_Answers400()
    {
        var put = await PutAsync(new { cron = EveryTenSeconds, timeZone = "UTC", mode = "batch", urls = new[] { origin.Page("x") }, callbackUrl = Receiver.Endpoint(), callbackMode = "request" });

        Assert.Equal(400, put.Status);
        Assert.Contains("\"callbackMode\" applies to POST /api/jobs", put.Text("detail"));
    }

    private Task<ApiResponse> PutAsync(object definition) =>
        App.ExecuteAsync(App.Get<SchedulesApi>().PutSchedule(TallyApp.Request("PUT", JsonSerializer.Serialize(definition)), _name, default));

    /// <summary>Fires two occurrences ten seconds apart and runs their jobs; the runs, newest first.</summary>
    private async Task<IReadOnlyList<ScheduleRun>> RunTwiceAsync()
    {
        for (var occurrence = 0; occurrence < 2; occurrence++)
        {
            App.Clock.Advance(TimeSpan.FromSeconds(10));
            await App.Get<ScheduleFirer>().FireAsync(_name, null, default);
        }

        await App.Host.DrainAsync();
        var runs = (await App.Get<ScheduleService>().GetAsync(_name, default))!.Runs!;
        Assert.Equal(2, runs.Count);
        return runs;
    }
}
