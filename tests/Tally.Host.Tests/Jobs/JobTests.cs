using System.Text.Json;
using Tally.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Jobs;

/// <summary>Enqueue, read, list and page, through the real host's HTTP triggers and queue listener.</summary>
public sealed class JobTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    [HostFact]
    public async Task EnqueuedJob_IsFetchedAndCounted_AndReadsSucceeded()
    {
        const string body = "one two\tthree\nfour  five\u00a0six";
        var url = Suite.Origin.Page(body);

        var accepted = await Api.PostAsync("api/jobs", new { url });
        var id = accepted.Text("id")!;
        var job = await Api.WaitForFinishedAsync(id);

        Assert.Equal(202, accepted.Status);
        Assert.Equal($"/api/jobs/{id}", accepted.Location);
        Assert.Equal("queued", accepted.Text("status"));
        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(6, job.Body.GetProperty("words").GetInt64()); // Python: len("one two\tthree\nfour  five\u00a0six".split()) == 6
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(body), job.Body.GetProperty("bytes").GetInt64());
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(1, Suite.Origin.Hits(url));
    }

    [HostFact]
    public async Task ManyUrls_EachBecomeAJob_CountedOnce()
    {
        var urls = Enumerable.Range(1, 40).Select(n => Suite.Origin.Page(string.Join(' ', Enumerable.Repeat("w", n)))).ToArray();

        var accepted = await Api.PostAsync("api/jobs", new { urls });
        var ids = accepted.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray();
        var words = new List<long>();
        foreach (var id in ids)
        {
            var job = await Api.WaitForFinishedAsync(id);
            Assert.Equal("succeeded", job.Text("status"));
            words.Add(job.Body.GetProperty("words").GetInt64());
        }

        Assert.Equal(202, accepted.Status);
        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long)n), words);
        Assert.All(urls, url => Assert.Equal(1, Suite.Origin.Hits(url)));
    }

    [HostFact]
    public async Task UnknownJob_Answers404ProblemJson()
    {
        var missing = await Api.GetAsync("api/jobs/0000000000000000000000000000dead");

        Assert.Equal(404, missing.Status);
        Assert.Equal("application/problem+json", missing.MediaType);
        Assert.False(string.IsNullOrEmpty(missing.Text("detail")));
    }

    [HostFact]
    public async Task BadInput_Answers400_AndEnqueuesNothing()
    {
        var refused = await Api.PostAsync("api/jobs", """{"url": "ftp://example.com/x"}""");

        Assert.Equal(400, refused.Status);
        Assert.Equal("application/problem+json", refused.MediaType);
        Assert.Contains("ftp", refused.Text("detail"));
    }

    [HostFact]
    public async Task SucceededJobs_PageThroughWithContinuation_EachJobOnce()
    {
        var urls = Enumerable.Range(0, 7).Select(_ => Suite.Origin.Page("a b")).ToArray();
        var accepted = await Api.PostAsync("api/jobs", new { urls });
        var ids = accepted.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToHashSet();
        foreach (var id in ids)
        {
            await Api.WaitForJobAsync(id, "succeeded");
        }

        var seen = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var query = "api/jobs?status=succeeded&limit=3" + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}");
            var page = await Api.GetAsync(query);
            Assert.Equal(200, page.Status);
            var jobs = page.Body.GetProperty("jobs").EnumerateArray().ToArray();
            Assert.True(jobs.Length <= 3, $"a page of limit 3 held {jobs.Length}");
            Assert.All(jobs, job => Assert.Equal("succeeded", job.GetProperty("status").GetString()));
            seen.AddRange(jobs.Select(job => job.GetProperty("id").GetString()!));
            continuation = page.Body.TryGetProperty("continuation", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
            pages++;
        }
        while (continuation is not null && pages < 1000);

        Assert.Null(continuation);
        Assert.True(pages >= 3, $"7 jobs at 3 a page took {pages} pages");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), ids);
    }
}
