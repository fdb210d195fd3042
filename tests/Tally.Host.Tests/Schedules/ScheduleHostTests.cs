using System.Text.Json;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Schedules;

/// <summary>Time under the real host: a schedule's tick queue and sweep, a delayed job's hidden message.</summary>
public sealed class ScheduleHostTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    [HostFact]
    public async Task AScheduleEveryThreeSeconds_CreatesARunForItsOccurrences_EachJobCountedOnce()
    {
        var name = "host-" + Guid.NewGuid().ToString("n")[..12];
        var url = Suite.Origin.Page("one two three");
        var put = await Api.SendAsync(HttpMethod.Put, $"api/schedules/{name}", JsonSerializer.Serialize(new { cron = "*/3 * * * * *", timeZone = "UTC", urls = new[] { url }, mode = "jobs" }));

        var read = await Eventually.GetAsync(
            () => Api.GetAsync($"api/schedules/{name}"), s => Created(s).Length >= 3, TallyClient.Patience, "three runs created");
        await Api.DeleteAsync($"api/schedules/{name}");
        var all = read.Body.GetProperty("runs").EnumerateArray().ToArray();
        var runs = Created(read);
        var jobs = new List<HttpAnswer>();
        foreach (var id in runs.SelectMany(run => run.GetProperty("jobs").EnumerateArray()).Select(id => id.GetString()!))
        {
            jobs.Add(await Api.WaitForFinishedAsync(id));
        }

        Assert.Equal(201, put.Status);
        Assert.DoesNotContain(all, run => run.GetProperty("status").GetString() == "missed"); // none late past the misfire window
        var due = runs.Select(run => run.GetProperty("dueAt").GetDateTimeOffset()).ToArray();
        Assert.Equal(due.Length, due.Distinct().Count());
        Assert.All(due, at => Assert.Equal(0, at.Second % 3));
        Assert.All(jobs, job => Assert.Equal(("succeeded", 1), (job.Text("status"), job.Body.GetProperty("attempts").GetInt32())));
        Assert.True(Suite.Origin.Hits(url) >= jobs.Count); // the schedule may have run again before it was deleted
    }

    private static JsonElement[] Created(HttpAnswer schedule) =>
        [.. schedule.Body.GetProperty("runs").EnumerateArray().Where(run => run.GetProperty("status").GetString() == "created")];

    [HostFact]
    public async Task ADelayedJob_RunsAfterItsDelay_AndNotBefore()
    {
        var url = Suite.Origin.Page("a b");

        var accepted = await Api.PostAsync("api/jobs", new { url, delay = "PT3S" });
        var id = accepted.Text("id")!;
        var waiting = await Api.GetAsync($"api/jobs/{id}");
        var hitsWhileWaiting = Suite.Origin.Hits(url);
        var job = await Api.WaitForFinishedAsync(id);

        Assert.Equal((202, "scheduled"), (accepted.Status, accepted.Text("status")));
        Assert.Equal(("scheduled", 0), (waiting.Text("status"), hitsWhileWaiting));
        Assert.Equal("succeeded", job.Text("status"));
        Assert.True(job.Body.GetProperty("startedAt").GetDateTimeOffset() >= job.Body.GetProperty("runAt").GetDateTimeOffset(), $"started before its runAt: {job}");
        Assert.Equal(1, Suite.Origin.Hits(url));
    }
}
