using Microsoft.Extensions.DependencyInjection;
using Tally.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Clients;

/// <summary>The tool as a user gets it: packed and installed with <c>dotnet tool</c>, and every example in the README run as written.</summary>
[Collection(TallyCliCollection.Name)]
public sealed class TallyCliAsShippedTests(RunningApp app) : TallyCliTests(app.BaseAddress, app.Origin)
{
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
}
