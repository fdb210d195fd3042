using System.Text.Json;
using Tally.Functions.Schedules;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Schedules;

/// <summary>The <c>/api/schedules</c> routes as the host invokes them: their answers, codes and problems.</summary>
[Collection(StorageCollection.Name)]
public sealed class SchedulesApiTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    private readonly string _name = "api-" + Guid.NewGuid().ToString("n")[..12];

    private SchedulesApi Api => App.Get<SchedulesApi>();

    [Fact]
    public async Task Put_Creates201_ThenReplaces200_WithTheContractsFields()
    {
        App.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 4, 0, 0, TimeSpan.Zero));

        var created = await PutAsync(_name, Body("0 6 * * *", "Europe/Paris"));
        var replaced = await PutAsync(_name, """{"cron": "0 0 7 * * *", "timeZone": "America/New_York", "urls": ["https://example.org/a", "https://example.org/b"], "mode": "batch", "maxParallelism": 4}""");

        Assert.Equal((201, $"/api/schedules/{_name}"), (created.Status, created.Location));
        Assert.Equal((_name, "0 6 * * *", "Europe/Paris", "jobs", 1, false), (created.Text("name"), created.Text("cron"), created.Text("timeZone"), created.Text("mode"), created.Body.GetProperty("urlCount").GetInt32(), created.Body.GetProperty("paused").GetBoolean()));
        Assert.Equal(
            ["2026-12-07T05:00:00Z", "2026-12-08T05:00:00Z", "2026-12-09T05:00:00Z", "2026-12-10T05:00:00Z", "2026-12-11T05:00:00Z"],
            created.Body.GetProperty("nextRuns").EnumerateArray().Select(i => i.GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Empty(created.Body.GetProperty("runs").EnumerateArray());
        Assert.Equal((200, "batch", 4, 2), (replaced.Status, replaced.Text("mode"), replaced.Body.GetProperty("maxParallelism").GetInt32(), replaced.Body.GetProperty("urlCount").GetInt32()));
    }

    [Theory]
    [InlineData("""{"cron": "0 6 * *", "timeZone": "UTC", "urls": ["https://example.org/"]}""", "five fields")]
    [InlineData("""{"cron": "0 6 * * * * *", "timeZone": "UTC", "urls": ["https://example.org/"]}""", "five fields")]
    [InlineData("""{"cron": "0 25 * * *", "timeZone": "UTC", "urls": ["https://example.org/"]}""", "not a valid cron expression")]
    [InlineData("""{"cron": "0 6 * * *", "timeZone": "Mars/Olympus_Mons", "urls": ["https://example.org/"]}""", "IANA time zone")]
    [InlineData("""{"cron": "0 6 * * *", "urls": ["https://example.org/"]}""", "Give \"timeZone\"")]
    [InlineData("""{"cron": "0 6 * * *", "timeZone": "UTC", "urls": ["https://example.org/"], "mode": "cron"}""", "\"mode\" must be")]
    [InlineData("""{"cron": "0 6 * * *", "timeZone": "UTC", "urls": []}""", "\"urls\" is empty")]
    [InlineData("""{"cron": "0 6 * * *", "timeZone": "UTC", "urls": ["ftp://example.org/"]}""", "Nothing was")]
    [InlineData("""{"cron": "0 6 * * *", "timeZone": "UTC", "urls": ["https://example.org/"], "delay": "PT1M"}""", "leave \"runAt\" and \"delay\" out")]
    public async Task Put_WithABadDefinition_Answers400SayingWhatToChange_AndCreatesNothing(string body, string detail)
    {
        var answer = await PutAsync(_name, body);

        Assert.Equal((400, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.Contains(detail, answer.Text("detail"));
        Assert.Equal(404, (await GetAsync(_name)).Status);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("dots.not.allowed")]
    [InlineData("a-name-that-is-far-too-long-for-a-schedule-because-it-runs-past-64")]
    public async Task AnInvalidName_Answers400(string name)
    {
        var answer = await PutAsync(name, Body("0 6 * * *", "UTC"));

        Assert.Equal(400, answer.Status);
        Assert.Contains("1 to 64 letters, digits", answer.Text("detail"));
    }

    [Fact]
    public async Task PauseResumeTrigger_AnswerTheScheduleAndTheRun_DeleteAnswers204ThenItIs404()
    {
        await PutAsync(_name, Body("0 6 * * *", "UTC"));

        var paused = await App.ExecuteAsync(Api.PauseSchedule(TallyApp.Request("POST"), _name, default));
        var resumed = await App.ExecuteAsync(Api.ResumeSchedule(TallyApp.Request("POST"), _name, default));
        var triggered = await App.ExecuteAsync(Api.TriggerSchedule(TallyApp.Request("POST"), null!, _name, default));
        var read = await GetAsync(_name);
        var deleted = await App.ExecuteAsync(Api.DeleteSchedule(TallyApp.Request("DELETE"), _name, default));
        var gone = await GetAsync(_name);

        Assert.Equal((200, true), (paused.Status, paused.Body.GetProperty("paused").GetBoolean()));
        Assert.Equal((200, false), (resumed.Status, resumed.Body.GetProperty("paused").GetBoolean()));
        Assert.Equal((202, "created"), (triggered.Status, triggered.Text("status")));
        var job = Assert.Single(triggered.Body.GetProperty("jobs").EnumerateArray()).GetString();
        Assert.Equal($"/api/jobs/{job}", Assert.Single(triggered.Body.GetProperty("jobUrls").EnumerateArray()).GetString());
        Assert.Equal(job, read.Body.GetProperty("runs")[0].GetProperty("jobs")[0].GetString());
        Assert.Equal(204, deleted.Status);
        Assert.Equal((404, "application/problem+json"), (gone.Status, gone.ContentType));
    }

    [Fact]
    public async Task List_PagesByName_WithAContinuation()
    {
        string[] names = [$"{_name}-a", $"{_name}-b", $"{_name}-c"];
        foreach (var name in names)
        {
            await PutAsync(name, Body("0 6 * * *", "UTC"));
        }

        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var page = await App.ExecuteAsync(Api.ListSchedules(TallyApp.Request("GET", query: "?limit=2" + (continuation is null ? "" : $"&continuation={continuation}")), default));
            Assert.True(page.Body.GetProperty("schedules").GetArrayLength() <= 2);
            seen.AddRange(page.Body.GetProperty("schedules").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
            continuation = page.Body.TryGetProperty("continuation", out var next) ? next.GetString() : null;
        }
        while (continuation is not null);

        Assert.Equal(names, seen.Where(names.Contains));
        Assert.Equal(400, (await App.ExecuteAsync(Api.ListSchedules(TallyApp.Request("GET", query: "?continuation=%%%"), default))).Status);
    }

    private string Body(string cron, string zone) => JsonSerializer.Serialize(new { cron, timeZone = zone, urls = new[] { origin.Page("x") }, mode = "jobs" });

    private Task<ApiResponse> PutAsync(string name, string body) => App.ExecuteAsync(Api.PutSchedule(TallyApp.Request("PUT", body), name, default));

    private Task<ApiResponse> GetAsync(string name) => App.ExecuteAsync(Api.GetSchedule(TallyApp.Request("GET"), name, default));
}
