using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tally.Batches;
using Tally.Hosting;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>A batch slice is bounded in time by the host's function timeout, whatever its URLs do.</summary>
public sealed class SliceBudgetTests(BatchFixture fixture) : IClassFixture<BatchFixture>, IAsyncLifetime
{
    private readonly Origin origin = fixture.Origin;
    private BatchApp _app = null!;

    // A 12 s function timeout gives a slice 6 s of fetching: with a 2 s fetch timeout, two rounds of first attempts.
    public async Task InitializeAsync() => _app = await BatchApp.StartAsync(fixture.Azurite.ConnectionString, settings: new Dictionary<string, string?>
    {
        [TimeBudget.FunctionTimeoutKey] = "00:00:12",
        ["Tally:Fetch:Timeout"] = "00:00:02",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task HangingOrigins_FailTheirOwnUrls_WithinTheSlicesBudget_AndTheBatchCompletesWithEveryOtherPage()
    {
        var hanging = Enumerable.Range(0, 4).Select(_ => origin.Serve(context => Task.Delay(Timeout.Infinite, context.RequestAborted), "hang")).ToArray();
        var good = Enumerable.Range(0, 12).Select(i => origin.Page($"page {i}")).ToArray();
        Uri[] urls = [.. hanging, .. good];

        var started = await _app.StartAsync(JsonSerializer.Serialize(new { urls = urls.Select(u => u.AbsoluteUri), maxParallelism = 4 }));
        var batch = await _app.CompletedAsync(started.Text("id"));
        var pages = batch.Body.GetProperty("result").GetProperty("pages").EnumerateArray().ToArray();

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(12, batch.Body.GetProperty("result").GetProperty("succeeded").GetInt32());
        Assert.All(pages.Take(4), page => Assert.StartsWith("The page timed out after 2 s", page.GetProperty("error").GetString()));
        Assert.All(pages.Take(4), page => Assert.Contains("the slice's 6 s budget, half the host's functionTimeout, left no time for another", page.GetProperty("error").GetString()));
        Assert.All(hanging, url => Assert.InRange(origin.Hits(url), 1, 2)); // not the policy's 4 attempts: a third could not end within 6 s
        Assert.All(good, url => Assert.Equal(1, origin.Hits(url)));
    }

    [Fact]
    public async Task ATerminatedBatch_SaysWhyInItsError()
    {
        var held = origin.Serve(context => Task.Delay(Timeout.Infinite, context.RequestAborted), "hang");
        var id = (await _app.StartAsync(JsonSerializer.Serialize(new { urls = new[] { held.AbsoluteUri }, maxParallelism = 1 }))).Text("id");
        await Eventually.GetAsync(() => Task.FromResult(origin.Hits(held)), hits => hits > 0, what: "the batch to be fetching");

        var terminated = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));
        var batch = await _app.CompletedAsync(id);

        Assert.Equal(202, terminated.Status);
        Assert.Equal("terminated", batch.Text("status"));
        Assert.Equal("The batch was terminated: Terminated by DELETE /api/batches.", batch.Text("error"));
    }

    [Fact]
    public void ASlice_HoldsNoMoreRoundsThanItsBudget()
    {
        var budget = new TimeBudget(TimeSpan.FromSeconds(12));

        Assert.Equal(2, budget.MaxRounds(TimeSpan.FromSeconds(2)));
        Assert.Equal(8, BatchOrchestration.SliceSizeWithin(BatchOrchestration.SliceSizeFor(16), 16, budget.MaxRounds(TimeSpan.FromSeconds(2))));
        Assert.Equal(32, BatchOrchestration.SliceSizeWithin(BatchOrchestration.SliceSizeFor(16), 16, new TimeBudget(TimeSpan.FromMinutes(10)).MaxRounds(TimeSpan.FromSeconds(30))));
    }

    [Theory]
    [InlineData("00:01:00", null)]
    [InlineData(null, "00:01:00")]
    public async Task AFetchTimeoutThatCannotFitTheFunctionTimeout_StopsTheAppAtStart(string? setting, string? hostJson)
    {
        var directory = Directory.CreateTempSubdirectory("tally-host-");
        if (hostJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "host.json"), $$"""{ "version": "2.0", "functionTimeout": "{{hostJson}}" }""");
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [TimeBudget.FunctionTimeoutKey] = setting,
        });
        builder.Services.AddSingleton(provider => TimeBudget.From(provider.GetRequiredService<IConfiguration>(), directory.FullName));
        builder.Services.AddTallyCore(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Tally:Fetch:Timeout (00:00:30) does not fit the host's functionTimeout (00:01:00)", error.Message);
        directory.Delete(recursive: true);
    }

    [Fact]
    public void TheRepositorysHostJson_GivesTheBudget()
    {
        var budget = TimeBudget.From(new ConfigurationBuilder().Build(), Repository.Root);

        Assert.Equal(TimeSpan.FromMinutes(10), budget.FunctionTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), budget.Slice);
    }
}
