using System.Text.Json;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Politeness;

/// <summary>An origin's concurrency limit holds across two real Functions hosts on one storage account and one job queue, measured at the origin.</summary>
public sealed class TwoHostLimitTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    /// <summary>16 requests of 32 URLs: at least 16 messages, however many jobs a message carries.</summary>
    private const int Requests = 16, Pages = Requests * 32;

    [HostFact]
    public async Task TwoHosts_NeverSendTheOriginMoreThanItsLimitAtOnce_AndEveryJobSucceedsOnce()
    {
        await using var second = await HostSuite.StartHostAsync("second host", Suite.Azurite.ConnectionString, Suite.LimitedOriginSettings);
        Watch(second);
        var marks = (Shared: Suite.Host.Mark, Second: second.Mark);
        // The origin holds every page until both hosts run jobs: a host runs at most batchSize + newBatchThreshold (12)
        // of the 16 or more messages at once, so the messages it cannot take wait in the queue for the other host.
        // Without the hold, one host can finish every page before the other polls, and the test shows nothing.
        var bothRun = Eventually.GetAsync(
            () => Task.FromResult(RanJobs(Suite.Host, marks.Shared) && RanJobs(second, marks.Second)),
            ran => ran,
            TimeSpan.FromSeconds(20), // under the fetch timeout (30 s), so a held page never times out
            "both hosts to run jobs");
        var (current, peak) = (0, 0);
        var origin = Suite.LimitedOrigin;
        Uri[] pages = [.. Enumerable.Range(0, Pages).Select(_ => origin.Serve(async context =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref current));
            try
            {
                await Task.WhenAny(bothRun); // the test's own await below reports a hold that gave up
                await Task.Delay(5); // the origin takes a moment, so fetches overlap
                await Origin.Write(context, "one two three", "text/plain");
            }
            finally
            {
                Interlocked.Decrement(ref current);
            }
        }))];
        origin.Replace(new Uri(origin.BaseAddress, "/robots.txt"), context =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref current)); // robots.txt takes a slot too
            Interlocked.Decrement(ref current);
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });

        var accepted = new List<HttpAnswer>();
        foreach (var urls in pages.Chunk(Pages / Requests))
        {
            accepted.Add(await Api.PostAsync("api/jobs", new { urls }));
        }

        var jobs = await Eventually.GetAsync(
            async () => (await Task.WhenAll(accepted.Select(request => RequestJobsAsync(request.Text("requestId")!)))).SelectMany(found => found).ToList(),
            all => all.Count == Pages && all.All(Final),
            TimeSpan.FromMinutes(3),
            $"{Pages} jobs to finish");

        await bothRun;
        Assert.All(accepted, request => Assert.Equal(202, request.Status));
        Assert.All(jobs, job => Assert.Equal(("succeeded", 1), (job.GetProperty("status").GetString(), job.GetProperty("attempts").GetInt32())));
        Assert.All(pages, page => Assert.Equal(1, origin.Hits(page)));
        Assert.InRange(peak, 1, HostSuite.LimitedOriginMaxConcurrent);
        Assert.True(RanJobs(Suite.Host, marks.Shared) && RanJobs(second, marks.Second), "both hosts ran jobs");
    }

    private static bool RanJobs(FuncHost host, int mark) =>
        host.OutputSince(mark, int.MaxValue).Contains("Executing 'Functions.RunJob'", StringComparison.Ordinal);

    private static bool Final(JsonElement job) => job.GetProperty("status").GetString() is "succeeded" or "failed" or "canceled";

    /// <summary>Every job of the request, its listing followed to the end.</summary>
    private async Task<IReadOnlyList<JsonElement>> RequestJobsAsync(string request)
    {
        var jobs = new List<JsonElement>();
        string? continuation = null;
        do
        {
            var page = await Api.GetAsync($"api/jobs?request={request}&limit=200" + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}"));
            jobs.AddRange(page.Body.GetProperty("jobs").EnumerateArray());
            continuation = page.Body.TryGetProperty("continuation", out var next) ? next.GetString() : null;
        }
        while (continuation is not null);

        return jobs;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = target; value > seen; seen = target)
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
