using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tally.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary>
/// The <c>tally</c> tool run as a process against the running app (HTTP on a real port, Azurite, a real origin), with
/// its output redirected as a script's is: every command, its <c>--json</c> parsed, its exit codes, its progress lines.
/// </summary>
public sealed partial class TallyCliTests(RunningApp app) : IClassFixture<RunningApp>, IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("tally-cli-");

    private Origin Origin => app.Origin;

    public void Dispose() => _files.Delete(recursive: true);

    private Task<TallyRun> Tally(params string[] args) => TallyProcess.RunAsync(app.BaseAddress, args);

    [Fact]
    public async Task Health_Exits0_WhenTheAppAnswers()
    {
        var run = await Tally("health");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["healthy"], run.StdoutLines);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("jobs", "get", "0123456789abcdef0123456789abcdef")]
    [InlineData("jobs", "list", "--status", "failed")]
    public async Task AnyCommand_Exits3_WhenNothingListens(params string[] args)
    {
        var nowhere = new Uri($"http://127.0.0.1:{Ports.Free()}");

        var run = await TallyProcess.RunAsync(nowhere, args);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Empty(run.Stdout);
        Assert.Contains($"Nothing answered at {nowhere.ToString().TrimEnd('/')}", run.Stderr);
    }

    [Theory]
    [InlineData("jobs", "frobnicate")]
    [InlineData("jobs", "add")]
    [InlineData("jobs", "list")]
    [InlineData("jobs", "list", "--status", "lost")]
    [InlineData("jobs", "retry")]
    [InlineData("jobs", "retry", "0123456789abcdef0123456789abcdef", "--status", "failed")]
    [InlineData("jobs", "cancel", "--status", "queued", "--since", "yesterday")]
    [InlineData("jobs", "cancel", "0123456789abcdef0123456789abcdef", "--dry-run")]
    [InlineData("batch", "pages", "b1", "--format", "xml")]
    [InlineData("jobs", "add", "--file", "/nonexistent/urls.txt")]
    [InlineData("--url", "ftp://example.com", "health")]
    public async Task ACommandLineThatCannotRun_Exits2_AndSaysWhy(params string[] args)
    {
        var run = await Tally(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Empty(run.Stdout);
        Assert.NotEmpty(run.StderrLines);
    }

    [Fact]
    public async Task Help_Exits0_AndNamesEveryCommand()
    {
        var run = await Tally("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("jobs", run.Stdout);
        Assert.Contains("batch", run.Stdout);
        Assert.Contains("health", run.Stdout);
        Assert.Contains("3 unreachable", run.Stdout);
    }

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
    public async Task JobsGet_Exits1_WithTheProblemsDetail_ForAnUnknownJob()
    {
        var run = await Tally("jobs", "get", "0123456789abcdef0123456789abcdef");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("Tally answered 404 ", run.Stderr);
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
    public async Task BatchStartWatch_ThenGetAndPages_AsCsvAndJson()
    {
        Uri[] urls = [Origin.Page("one"), Origin.Status(404), Origin.Page("two, \"quoted\" words")];
        var file = await UrlFileAsync(urls);

        var watch = await Tally("batch", "start", "--file", file, "--parallelism", "2", "--watch", "--json");
        var id = JsonDocument.Parse(watch.Stdout).RootElement.GetProperty("id").GetString()!;
        var get = await Tally("batch", "get", id);
        var json = await Tally("batch", "pages", id, "--format", "json");
        var csv = await Tally("batch", "pages", id, "--format", "csv");

        Assert.True(watch.ExitCode == 1, watch.ToString()); // a page failed
        Assert.All(watch.StderrLines, line => Assert.Matches(ProgressLine(), line));
        Assert.StartsWith("pages: 3/3 done, 1 failed, ", watch.StderrLines[^1]);
        Assert.Contains("status: completed", get.StdoutLines);
        Assert.Contains("totalWords: 4", get.StdoutLines);
        var pages = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(urls.Select(u => u.ToString()), pages.Select(p => p.GetProperty("url").GetString()));
        var rows = await PythonCsvAsync(csv.Stdout); // the standard library's reader, not ours
        Assert.Equal(["url", "words", "bytes", "error"], rows[0]);
        Assert.Equal(pages.Select(p => p.GetProperty("url").GetString()), rows.Skip(1).Select(r => r[0]));
        Assert.Equal(["1", "", "3"], rows.Skip(1).Select(r => r[1]));
        Assert.Equal(pages[1].GetProperty("error").GetString(), rows[2][3]);
    }

    [Fact]
    public async Task BatchStart_WithoutWatch_PrintsTheBatchId()
    {
        var run = await Tally("batch", "start", Origin.Page("x").ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches("^batch \\S+ pending$", Assert.Single(run.StdoutLines));
    }

    [Fact]
    public async Task PackedTool_InstallsWithDotnetTool_AndRuns()
    {
        using var package = new TallyToolPackage();
        await package.InstallAsync();

        var help = await package.RunAsync(null, "--help");
        var health = await package.RunAsync(app.BaseAddress, "health");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("tally [command] [options]", help.Stdout);
        Assert.True(health.ExitCode == 0, health.ToString());
        Assert.Equal(["healthy"], health.StdoutLines);
    }

    [Fact]
    public async Task ReadmeExamples_RunAsWritten_AndExit0()
    {
        var tally = new ServiceCollection().AddTallyClient(app.BaseAddress, FunctionsServer.Key).Services.BuildServiceProvider().GetRequiredService<TallyClient>();
        var request = await tally.EnqueueAsync([Origin.Page("made for the examples").ToString(), Origin.Status(404).ToString()]);
        var batch = await tally.WaitAsync(await tally.StartBatchAsync([Origin.Page("a batch page").ToString()]));
        await tally.WaitAsync(request);
        var file = await UrlFileAsync(Origin.Page("from a file"), Origin.Page("also from a file"));
        var examples = ReadmeExamples().ToList();

        var runs = new List<(string Example, TallyRun Run)>();
        foreach (var example in examples)
        {
            var args = example
                .Replace("https://example.com/", Origin.Page("one two three").ToString(), StringComparison.Ordinal)
                .Replace("https://example.org/", Origin.Page("four five").ToString(), StringComparison.Ordinal)
                .Replace("example.com", Origin.BaseAddress.Authority, StringComparison.Ordinal)
                .Replace("urls.txt", file, StringComparison.Ordinal)
                .Replace("fe6a1c0b2d3e7f41a9c2b7d04e11a0b3", request.Jobs[0].Id, StringComparison.Ordinal)
                .Replace("fe6a1c0b2d3e7f41a9c2b7d04e11", request.RequestId, StringComparison.Ordinal)
                .Replace("bfe6a1c0b2d3e7f41a9c2b7d04e12", batch.Id, StringComparison.Ordinal)
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            runs.Add((example, await Tally(args)));
        }

        Assert.True(examples.Count >= 12, $"the README's examples were not found: {examples.Count}");
        Assert.All(runs, r => Assert.True(r.Run.ExitCode == 0, $"{r.Example}\n{r.Run}"));
        Assert.All(runs, r => Assert.NotEmpty(r.Run.Stdout));
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

    [GeneratedRegex(@"^(jobs|pages): \d+/\d+ done, \d+ failed, \d+\.\d/s, ETA (\d+:\d\d:\d\d|-)$")]
    private static partial Regex ProgressLine();

    /// <summary>The <c>tally</c> lines of the README's example block, each without what a shell does with it (a redirect).</summary>
    private static IEnumerable<string> ReadmeExamples()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var block = readme[readme.IndexOf("<!-- tally-cli-examples -->", StringComparison.Ordinal)..];
        block = block[(block.IndexOf("```bash\n", StringComparison.Ordinal) + 8)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        return block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("tally ", StringComparison.Ordinal))
            .Select(line => line.Split(" > ")[0]);
    }

    private async Task<string> UrlFileAsync(params Uri[] urls)
    {
        var path = Path.Combine(_files.FullName, $"urls-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(path, ["# URLs to count", .. urls.Select(u => u.ToString()), ""]);
        return path;
    }

    private async Task<List<string[]>> PythonCsvAsync(string csv)
    {
        var input = Path.Combine(_files.FullName, "pages.csv");
        await File.WriteAllTextAsync(input, csv);
        var run = await TallyProcess.RunAsync("python3", ["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))", input], new Dictionary<string, string?>());
        return JsonSerializer.Deserialize<List<string[]>>(run.Stdout)!;
    }
}
