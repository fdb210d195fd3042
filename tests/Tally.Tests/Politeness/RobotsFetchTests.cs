using System.Text;
using Microsoft.AspNetCore.Http;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Politeness;

/// <summary>robots.txt as the worker fetches and obeys it, on a real origin of its own for each test.</summary>
[Collection(StorageCollection.Name)]
public sealed class RobotsFetchTests(Azurite azurite) : AppTests(azurite), IAsyncLifetime
{
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

    private Uri RobotsUrl => new(_site.BaseAddress, "/robots.txt");

    [Fact]
    public async Task DisallowedUrl_FailsAtOnce_NamingTheRule_AndIsNeverFetched()
    {
        ServeRobots("User-agent: *\nAllow: /\n\nUser-agent: Tally\nDisallow: /page\n");
        var page = _site.Page("never read");

        var job = await RunJobAsync(page);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("robots.txt disallows", job.Text("error"));
        Assert.Contains("line 5: 'Disallow: /page'", job.Text("error"));
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(0, _site.Hits(page));
    }

    [Fact]
    public async Task AllowedUrl_IsFetched_AndRobotsTxtIsFetchedOnceForManyJobs()
    {
        ServeRobots("User-agent: *\nDisallow: /private/\n");
        Uri[] pages = [.. Enumerable.Range(0, 20).Select(i => _site.Page("two words"))];

        var jobs = await RunJobsAsync(pages);

        Assert.All(jobs, job => Assert.Equal("succeeded", job.Text("status")));
        Assert.Equal(1, _site.Hits(RobotsUrl));
    }

    [Fact]
    public async Task MissingRobotsTxt_AllowsEverything()
    {
        var page = _site.Page("one two three");

        var job = await RunJobAsync(page);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(1, _site.Hits(RobotsUrl));
    }

    [Fact]
    public async Task RobotsTxt5xx_DisallowsTheOriginForAWhile_AsTransient_ThenItIsFetchedAgain()
    {
        var answers = new Queue<int>([503, 200]);
        _site.Replace(RobotsUrl, context =>
        {
            context.Response.StatusCode = answers.Dequeue();
            return Task.CompletedTask;
        });
        var page = _site.Page("counted later");

        var (id, _) = await EnqueueAsync(page);
        await DeliverOnceAsync();
        var waiting = await App.GetJobAsync(id);
        App.Clock.Advance(TimeSpan.FromMinutes(1)); // Tally:Politeness:RobotsTxtRetryTime
        await App.Host.DrainAsync();
        var done = await App.GetJobAsync(id);

        Assert.Equal("queued", waiting.Text("status"));
        Assert.Contains("robots.txt answered 503", waiting.Text("error"));
        Assert.Equal("succeeded", done.Text("status"));
        Assert.Equal(2, _site.Hits(RobotsUrl));
        Assert.Equal(1, _site.Hits(page));
    }

    [Fact]
    public async Task RobotsTxtRedirects_AreFollowed()
    {
        var final = _site.Serve(context => Origin.Write(context, "User-agent: *\nDisallow: /page\n", "text/plain"), "robots-final");
        var middle = _site.Serve(context => Redirect(context, final), "robots-middle");
        _site.Replace(RobotsUrl, context => Redirect(context, middle));
        var page = _site.Page("never read");

        var job = await RunJobAsync(page);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("Disallow: /page", job.Text("error"));
        Assert.Equal(1, _site.Hits(final));
    }

    [Fact]
    public async Task HugeRobotsTxt_IsReadOnlyToItsBound_WhatFollowsIsIgnored()
    {
        var filler = new StringBuilder("User-agent: *\nDisallow: /early\n");
        while (filler.Length < 3 * 1024 * 1024)
        {
            filler.Append("# padding padding padding padding padding padding padding padding padding\n");
        }

        filler.Append("Disallow: /\n");
        _site.Replace(RobotsUrl, context => Origin.Write(context, filler.ToString(), "text/plain"));
        var early = _site.Serve(context => Origin.Write(context, "x", "text/plain"), "early");
        var page = _site.Page("fetched because the last rule lies past the bound");

        var jobs = await RunJobsAsync([early, page]);

        Assert.Equal("failed", jobs[0].Text("status"));
        Assert.Equal("succeeded", jobs[1].Text("status"));
    }

    [Fact]
    public async Task ObeyRobotsTxtFalse_NeverFetchesIt()
    {
        await using var app = new TallyApp(Azurite, new Dictionary<string, string?> { ["Tally:Politeness:ObeyRobotsTxt"] = "false" });
        ServeRobots("User-agent: *\nDisallow: /\n");
        var page = _site.Page("one two");

        var id = (await app.PostJobsAsync($$"""{"url": "{{page}}"}""")).Text("id");
        await app.Host.DrainAsync();
        var job = await app.GetJobAsync(id);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(0, _site.Hits(RobotsUrl));
    }

    private void ServeRobots(string text) => _site.Replace(RobotsUrl, context => Origin.Write(context, text, "text/plain"));

    private static Task Redirect(HttpContext context, Uri to)
    {
        context.Response.StatusCode = 301;
        context.Response.Headers.Location = to.AbsoluteUri;
        return Task.CompletedTask;
    }

    private async Task<(string Id, ApiResponse Accepted)> EnqueueAsync(Uri page)
    {
        var accepted = await App.PostJobsAsync($$"""{"url": "{{page}}"}""");
        return (accepted.Text("id"), accepted);
    }

    private async Task DeliverOnceAsync()
    {
        var queue = App.Queues.GetQueueClient(Tally.Jobs.JobStorage.QueueName);
        var message = (await queue.ReceiveMessageAsync()).Value;
        await Assert.ThrowsAsync<Tally.Jobs.JobRetryException>(() => App.Get<Tally.Jobs.JobRunner>().RunAsync(message.MessageText, message.MessageId, default));
        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
    }

    private async Task<ApiResponse> RunJobAsync(Uri page) => (await RunJobsAsync([page]))[0];

    private async Task<ApiResponse[]> RunJobsAsync(Uri[] pages)
    {
        var accepted = await App.PostJobsAsync(System.Text.Json.JsonSerializer.Serialize(new { urls = pages }));
        await App.Host.DrainAsync();
        var jobs = new List<ApiResponse>();
        var enqueued = accepted.Body.TryGetProperty("jobs", out var many) ? [.. many.EnumerateArray()] : new[] { accepted.Body };
        foreach (var job in enqueued)
        {
            jobs.Add(await App.GetJobAsync(job.GetProperty("id").GetString()!));
        }

        return [.. jobs];
    }
}
