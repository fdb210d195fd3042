using System.Text.Json;

namespace Tally.Tests.Clients;

/// <summary><c>tally batch</c>: start (watching its progress, or not), get, and its pages as JSON and as CSV that Python's reader reads.</summary>
[Collection(TallyCliCollection.Name)]
public sealed class TallyCliBatchTests(RunningApp app) : TallyCliTests(app.BaseAddress, app.Origin)
{
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
}
