using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>A job from its request to its result through the API and the worker: enqueued, counted, redelivered, canceled, retried and listed.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobLifecycleTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task EnqueuedJob_IsCountedByTheWorker_AndReadsSucceeded()
    {
        var url = origin.Page("one two\tthree\nfour  five\u00a0six");

        var accepted = await App.PostJobsAsync($$"""{"url": "{{url}}"}""");
        var id = accepted.Text("id");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal(202, accepted.Status);
        Assert.Equal($"/api/jobs/{id}", accepted.Location);
        Assert.Equal("queued", accepted.Text("status"));
        Assert.Equal(accepted.Location, accepted.Text("statusUrl"));
        Assert.Equal(200, job.Status);
        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(6, job.Body.GetProperty("words").GetInt64());
        Assert.Equal(Encoding.UTF8.GetByteCount("one two\tthree\nfour  five\u00a0six"), job.Body.GetProperty("bytes").GetInt64());
        Assert.Equal(200, job.Body.GetProperty("httpStatus").GetInt32());
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
        Assert.StartsWith("text/plain", job.Text("contentType"));
    }

    [Fact]
    public async Task EnqueuedMessage_IsBase64Json_ThatTheTriggerDecodesToTheJobId()
    {
        var accepted = await App.PostJobsAsync($$"""{"url": "{{origin.Page("x")}}"}""");

        // Read the raw bytes on the queue, as the host's queue listener receives them.
        var raw = new QueueServiceClient(Azurite.ConnectionString).GetQueueClient(JobStorage.QueueName);
        var peeked = Assert.Single((await raw.PeekMessagesAsync(32)).Value);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(peeked.MessageText));

        Assert.Equal($$"""{"jobId":"{{accepted.Text("id")}}","run":1}""", decoded);
        Assert.Equal(accepted.Text("id"), Assert.Single(JobMessage.ParseAll(decoded)!).JobId);
    }

    [Fact]
    public async Task ManyUrls_EnqueueOneJobEach()
    {
        Uri[] urls = [origin.Page("a"), origin.Page("b b"), origin.Page("c c c")];

        var accepted = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls }));
        await App.Host.DrainAsync();
        var jobs = accepted.Body.GetProperty("jobs").EnumerateArray().ToArray();
        var words = new List<long>();
        foreach (var job in jobs)
        {
            words.Add((await App.GetJobAsync(job.GetProperty("id").GetString()!)).Body.GetProperty("words").GetInt64());
        }

        Assert.Equal(202, accepted.Status);
        Assert.Equal(urls.Select(u => u.AbsoluteUri), jobs.Select(j => j.GetProperty("url").GetString()));
        Assert.Equal([1L, 2L, 3L], words);
    }

    [Fact]
    public async Task RedeliveredMessage_ForAFinishedJob_LeavesTheResultUnchanged()
    {
        var url = origin.Page("three little words");
        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var first = await App.GetJobAsync(id);
        origin.Replace(url, context => Origin.Write(context, "now the page has six words in it", "text/plain"));

        await App.Queues.GetQueueClient(JobStorage.QueueName).SendMessageAsync(new JobMessage(id, 1).ToJson());
        await App.Host.DrainAsync();
        var second = await App.GetJobAsync(id);

        Assert.Equal(first.Body.ToString(), second.Body.ToString());
        Assert.Equal(3, second.Body.GetProperty("words").GetInt64());
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task CanceledJob_IsSkippedByTheWorker()
    {
        var url = origin.Page("never fetched");
        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");

        var canceled = await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal(200, canceled.Status);
        Assert.Equal("canceled", canceled.Text("status"));
        Assert.Equal("canceled", job.Text("status"));
        Assert.Equal(0, origin.Hits(url));
    }

    [Fact]
    public async Task Cancel_OfAFinishedJob_IsAConflict_AndChangesNothing()
    {
        var id = (await App.PostJobsAsync($$"""{"url": "{{origin.Page("done")}}"}""")).Text("id");
        await App.Host.DrainAsync();

        var canceled = await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        var job = await App.GetJobAsync(id);

        Assert.Equal(409, canceled.Status);
        Assert.Equal("application/problem+json", canceled.ContentType);
        Assert.Contains("succeeded", canceled.Text("detail"));
        Assert.Equal("succeeded", job.Text("status"));
    }

    [Fact]
    public async Task Retry_OfAFailedJob_RunsItAgain()
    {
        var url = origin.Status(404);
        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        origin.Replace(url, context => Origin.Write(context, "back again", "text/plain"));

        var retried = await App.ExecuteAsync(App.Api.RetryJob(TallyApp.Request("POST"), id, default));
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal(202, retried.Status);
        Assert.Equal("queued", retried.Text("status"));
        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(2, job.Body.GetProperty("words").GetInt64());
        Assert.Equal(2, job.Body.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Retry_OfASucceededJob_IsAConflict()
    {
        var url = origin.Page("fine as it is");
        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();

        var retried = await App.ExecuteAsync(App.Api.RetryJob(TallyApp.Request("POST"), id, default));

        Assert.Equal(409, retried.Status);
        Assert.Equal("application/problem+json", retried.ContentType);
        Assert.Equal(0, await App.MessageCountAsync());
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task FailedJobs_AreListed_NewestFirst()
    {
        var older = (await App.PostJobsAsync($$"""{"url": "{{origin.Status(410)}}"}""")).Text("id");
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = (await App.PostJobsAsync($$"""{"url": "{{origin.Status(403)}}"}""")).Text("id");
        await App.PostJobsAsync($$"""{"url": "{{origin.Page("fine")}}"}""");
        await App.Host.DrainAsync();

        var listed = await App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: "?status=failed&limit=200"), default));
        var ids = listed.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()).ToList();

        Assert.Equal(200, listed.Status);
        Assert.All(listed.Body.GetProperty("jobs").EnumerateArray(), j => Assert.Equal("failed", j.GetProperty("status").GetString()));
        Assert.True(ids.IndexOf(newer) >= 0 && ids.IndexOf(newer) < ids.IndexOf(older), $"expected {newer} before {older} in {string.Join(",", ids)}");
    }

    [Fact]
    public async Task Health_IsOk_WhenStorageAnswers()
    {
        var health = await App.ExecuteAsync(App.Maintenance.Health(TallyApp.Request("GET"), default));

        Assert.Equal(200, health.Status);
        Assert.Equal("healthy", health.Text("status"));
    }
}
