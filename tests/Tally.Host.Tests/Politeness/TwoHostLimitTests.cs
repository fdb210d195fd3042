using System.Text.Json;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Politeness;

/// <summary>An origin's concurrency limit holds across two real Functions hosts on one storage account and one job queue, measured at the origin.</summary>
public sealed class TwoHostLimitTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    private const int Pages = 500;

    [HostFact]
    public async Task TwoHosts_NeverSendTheOriginMoreThanItsLimitAtOnce_AndEveryJobSucceedsOnce()
    {
        await using var second = await HostSuite.StartHostAsync("second host", Suite.Azurite.ConnectionString, Suite.LimitedOriginSettings);
        Watch(second);
        var marks = (Shared: Suite.Host.Mark, Second: second.Mark);
        var (current, peak) = (0, 0);
        var origin = Suite.LimitedOrigin;
        Uri[] pages = [.. Enumerable.Range(0, Pages).Select(_ => origin.Serve(async context =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref current));
            try
            {
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

        var accepted = await Api.PostAsync("api/jobs", new { urls = pages });
        var request = accepted.Text("requestId")!;
        var jobs = await Eventually.GetAsync(() => RequestJobsAsync(request), all => all.Count == Pages && all.All(Final), TimeSpan.FromMinutes(3), $"{Pages} jobs to finish");

        Assert.Equal(202, accepted.Status);
        Assert.All(jobs, job => Assert.Equal(("succeeded", 1), (job.GetProperty("status").GetString(), job.GetProperty("attempts").GetInt32())));
        Assert.All(pages, page => Assert.Equal(1, origin.Hits(page)));
        Assert.InRange(peak, 1, HostSuite.LimitedOriginMaxConcurrent);
        Assert.Contains("Functions.RunJob", Suite.Host.OutputSince(marks.Shared, int.MaxValue), StringComparison.Ordinal);
        Assert.Contains("Functions.RunJob", second.OutputSince(marks.Second, int.MaxValue), StringComparison.Ordinal); // both hosts ran jobs
    }

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
