using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary>What a script reads from the exit code: 0 done, 1 the app said no (or a job failed), 2 the command line cannot run, 3 nothing answered.</summary>
[Collection(TallyCliCollection.Name)]
public sealed class TallyCliExitCodeTests(RunningApp app) : TallyCliTests(app.BaseAddress, app.Origin)
{
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
    public async Task JobsGet_Exits1_WithTheProblemsDetail_ForAnUnknownJob()
    {
        var run = await Tally("jobs", "get", "0123456789abcdef0123456789abcdef");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("Tally answered 404 ", run.Stderr);
    }
}
