using System.Collections.Concurrent;
using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Politeness;

/// <summary>robots.txt's <c>Crawl-delay</c> for Tally's user agent becomes its origin's rate, measured at the origin.</summary>
[Collection(StorageCollection.Name)]
public sealed class CrawlDelayTests(Azurite azurite) : AppTests(azurite), IAsyncLifetime
{
    private const int Pages = 6;

    private readonly Origin _site = new();

    async Task IAsyncLifetime.InitializeAsync()
    {
        await _site.InitializeAsync();
        await App.ClearQueuesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await App.ClearQueuesAsync();
        await App.DisposeAsync();
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task CrawlDelayOfOneSecond_HoldsTheOriginToOneRequestASecond_RobotsTxtIncluded()
    {
        var arrivals = new ConcurrentQueue<DateTimeOffset>();
        _site.Replace(new Uri(_site.BaseAddress, "/robots.txt"), context =>
        {
            arrivals.Enqueue(DateTimeOffset.UtcNow);
            return Origin.Write(context, "User-agent: *\nDisallow: /private/\n\nUser-agent: Tally\nCrawl-delay: 1\n", "text/plain");
        });
        Uri[] pages = [.. Enumerable.Range(0, Pages).Select(_ => _site.Serve(context =>
        {
            arrivals.Enqueue(DateTimeOffset.UtcNow);
            return Origin.Write(context, "slowly now", "text/plain");
        }))];

        var accepted = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = pages }));
        var ids = accepted.Body.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("id").GetString()!).ToArray();
        var jobs = await Eventually.GetAsync(
            async () =>
            {
                await App.Host.DrainAsync(); // a job put off for its origin's rate comes back when its message shows again
                return await Task.WhenAll(ids.Select(App.GetJobAsync));
            },
            all => all.All(job => job.Text("status") is "succeeded" or "failed"),
            TimeSpan.FromMinutes(2),
            "every job to finish");
        var times = arrivals.Order().ToArray();

        Assert.All(jobs, job => Assert.Equal(("succeeded", 1), (job.Text("status"), job.Body.GetProperty("attempts").GetInt32())));
        Assert.Equal(Pages + 1, times.Length); // robots.txt once, each page once
        for (var i = 1; i < times.Length; i++)
        {
            // Starts are spaced a second apart; a request's way to the origin may take a little longer than the next one's.
            Assert.True(times[i] - times[i - 1] >= TimeSpan.FromSeconds(0.8), $"requests {i} and {i + 1} arrived {times[i] - times[i - 1]} apart");
        }

        Assert.True(times[^1] - times[0] >= TimeSpan.FromSeconds(Pages - 0.5), $"{times.Length} requests within {times[^1] - times[0]}");
    }
}
