using System.Text.Json;
using Tally.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary><c>tally jobs</c>: add (from a file, waiting, with progress on a pipe or a terminal), get, list, and cancel or retry in bulk.</summary>
[Collection(TallyCliCollection.Name)]
public sealed class TallyCliJobsTests(RunningApp app) : TallyCliTests(app.BaseAddress, app.Origin)
{
    [Fact]
    public async Task JobsAddWait_FromAFile_PrintsTheJobsAsJson_AndExits1_WhenOneFailed()
    {
        var file = await UrlFileAsync(Origin.Page("one two three"), Origin.Status(404), Origin.Page("four five"));

        var run = await Tally("jobs", "add", "--file", file, "--wait", "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var answer = JsonDocument.Parse(run.Stdout);
        var jobs = answer.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(["succeeded", "failed", "succeeded"], jobs.Select(j => j.GetProperty("status").GetString()));
        Assert.Equal(3, jobs[0].GetProperty("words").GetInt64());
        Assert.Equal(2, jobs[2].GetProperty("words").GetInt64());
        Assert.All(jobs, j => Assert.Equal(answer.RootElement.GetProperty("requestId").GetString(), j.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task ProgressWhenRedirected_IsPlainLinesOnStderr_EndingWithTheFinalCounts()
    {
        var run = await Tally("jobs", "add", Origin.Page("a b").ToString(), Origin.Status(410).ToString(), "--wait");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.DoesNotContain('\u001b', run.Stderr); // no escape codes when stderr is not a terminal
        Assert.All(run.StderrLines, line => Assert.Matches(ProgressLine(), line));
        Assert.StartsWith("jobs: 2/2 done, 1 failed, ", run.StderrLines[^1]);
        Assert.Matches("^request [0-9a-f]{28}$", run.StdoutLines[0]);
        Assert.Matches("^[0-9a-f]{32}  succeeded  +2  http://127", run.StdoutLines[1]);
        Assert.Matches("^[0-9a-f]{32}  failed  +-  http://127.+  .*410", run.StdoutLines[2]);
    }

    [Fact]
    public async Task JobsAddThenGet_ReadsTheCountedJob()
    {
        var add = await Tally("jobs", "add", Origin.Page("six words are on this page").ToString(), "--json");
        var id = JsonDocument.Parse(add.Stdout).RootElement.GetProperty("jobs")[0].GetProperty("id").GetString()!;

        var got = await Eventually.GetAsync(
            () => Tally("jobs", "get", id, "--json"),
            run => JsonDocument.Parse(run.Stdout).RootElement.GetProperty("status").GetString() == "succeeded",
            what: "the job to succeed");
        var text = await Tally("jobs", "get", id);

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(6, JsonDocument.Parse(got.Stdout).RootElement.GetProperty("words").GetInt64());
        Assert.Contains($"id: {id}", text.StdoutLines);
        Assert.Contains("words: 6", text.StdoutLines);
    }

    [Fact]
    public async Task ListAndBulkCancel_ByRequestAndOrigin_ThenRetryTheCanceled()
    {
        var host = $"t{Guid.NewGuid():N}.example";
        await app.HoldWorkerAsync();
        try
        {
            var file = await UrlFileAsync([.. Enumerable.Range(0, 5).Select(i => new Uri($"http://{host}/{i}"))]);
            var add = await Tally("jobs", "add", "--file", file, "--json");
            var request = JsonDocument.Parse(add.Stdout).RootElement.GetProperty("requestId").GetString()!;

            var byRequest = await Tally("jobs", "list", "--request", request, "--json");
            var byOrigin = await Tally("jobs", "list", "--status", "queued", "--origin", host, "--json");
            var limited = await Tally("jobs", "list", "--request", request, "--limit", "2");
            var counted = await Tally("jobs", "cancel", "--request", request, "--dry-run");
            var canceled = await Tally("jobs", "cancel", "--request", request, "--json");
            var retried = await Tally("jobs", "retry", "--request", request, "--status", "canceled");
            var cancelAgain = await Tally("jobs", "cancel", "--request", request, "--json");

            Assert.Equal(5, JsonDocument.Parse(byRequest.Stdout).RootElement.GetArrayLength());
            Assert.Equal(5, JsonDocument.Parse(byOrigin.Stdout).RootElement.GetArrayLength());
            Assert.Equal(2, limited.StdoutLines.Length);
            Assert.Contains("More jobs than --limit 2", limited.Stderr);
            Assert.Equal(["matched 5 (dry run: none changed)"], counted.StdoutLines);
            Assert.Equal(new BulkOutcome(5, 5), JsonSerializer.Deserialize<BulkOutcome>(canceled.Stdout, JsonSerializerOptions.Web)); // the dry run changed none
            Assert.Equal(["matched 5, changed 5"], retried.StdoutLines);
            Assert.Equal(new BulkOutcome(5, 5), JsonSerializer.Deserialize<BulkOutcome>(cancelAgain.Stdout, JsonSerializerOptions.Web));
        }
        finally
        {
            app.HoldWorker = false;
        }
    }

    [Fact]
    public async Task CancelByIds_ChangesTheOnesItCan_ReportsTheOthers_AndExits1()
    {
        await app.HoldWorkerAsync();
        try
        {
            var add = await Tally("jobs", "add", $"http://t{Guid.NewGuid():N}.example/", "--json");
            var id = JsonDocument.Parse(add.Stdout).RootElement.GetProperty("jobs")[0].GetProperty("id").GetString()!;
            const string unknown = "0123456789abcdef0123456789abcdef";

            var run = await Tally("jobs", "cancel", id, unknown, "--json");

            Assert.True(run.ExitCode == 1, run.ToString());
            var canceled = JsonDocument.Parse(run.Stdout).RootElement;
            Assert.Equal(id, Assert.Single(canceled.EnumerateArray()).GetProperty("id").GetString());
            Assert.StartsWith($"{unknown}: ", run.Stderr);
        }
        finally
        {
            app.HoldWorker = false;
        }
    }

    [Fact]
    public async Task RetryFailedSinceAnHour_RequeuesRecentFailures_WhichThenSucceed()
    {
        var add = await Tally("jobs", "add", Origin.Flaky(1, 404, "lucky second time").ToString(), Origin.Flaky(1, 404, "me too").ToString(), "--wait", "--json");
        var request = JsonDocument.Parse(add.Stdout).RootElement.GetProperty("requestId").GetString()!;

        var retry = await Tally("jobs", "retry", "--status", "failed", "--since", "1h", "--json");
        var jobs = await Eventually.GetAsync(
            () => Tally("jobs", "list", "--request", request, "--json"),
            run => JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().All(j => j.GetProperty("status").GetString() == "succeeded"),
            what: "the retried jobs to succeed");

        Assert.Equal(1, add.ExitCode);
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.True(JsonDocument.Parse(retry.Stdout).RootElement.GetProperty("changed").GetInt32() >= 2); // other tests' failures are recent too
        Assert.Equal([3L, 2L], JsonDocument.Parse(jobs.Stdout).RootElement.EnumerateArray().Select(j => j.GetProperty("words").GetInt64()));
    }

    [Fact]
    public async Task ProgressOnATerminal_IsALiveBar_WithTheCounts()
    {
        var tally = string.Join(' ', "dotnet", Path.Combine(Repository.CliDirectory, "Tally.Cli.dll"), "jobs", "add", Origin.Page("on a terminal").ToString(), "--wait");
        var environment = TallyProcess.Environment(app.BaseAddress);
        environment["TERM"] = "xterm-256color";
        environment["COLUMNS"] = "160";

        var run = await TallyProcess.RunAsync("script", ["--quiet", "--return", "--command", tally, "/dev/null"], environment); // a pseudo-terminal

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains('\u001b', run.Stdout); // drawn, not written line by line
        Assert.Contains("1/1 done, 0 failed", run.Stdout);
        Assert.Contains("100%", run.Stdout);
    }
}
