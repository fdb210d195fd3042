using System.Text.Json;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>What the worker does with a page it cannot count: a permanent failure fails the job at once, a transient one is retried up to the poison queue.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobFetchFailureTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task Origin404_FailsTheJobAtOnce_WithoutRetrying()
    {
        var url = origin.Status(404);

        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("404", job.Text("error"));
        Assert.Equal(404, job.Body.GetProperty("httpStatus").GetInt32());
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task UnexpectedException_FailsTheJobAtOnce_WithItsMessage()
    {
        // A body that claims gzip but is not: the decompressor throws InvalidDataException, which no code
        // expects. It was retried five times and failed with no reason; a bug is not fixed by retrying.
        var url = origin.CorruptGzip();

        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("InvalidDataException", job.Text("error"));
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(1, origin.Hits(url));
        Assert.Equal(0, await App.MessageCountAsync(JobStorage.PoisonQueueName));
    }

    [Fact]
    public async Task TlsFailure_FailsTheJobAtOnce()
    {
        // https:// to an origin that speaks plain HTTP: the handshake fails, and will fail the same way next time.
        var url = new UriBuilder(origin.Serve(context => Origin.Write(context, "never read", "text/plain"))) { Scheme = "https" }.Uri;

        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("secure (TLS) connection", job.Text("error"));
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task NotText_FailsTheJob_NamingTheContentType()
    {
        var url = origin.Serve(context => Origin.Write(context, "\u0089PNG", "image/png"));

        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("image/png", job.Text("error"));
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task Origin503_IsRetried_ThenFailsThroughThePoisonQueue()
    {
        var url = origin.Status(503);

        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("503", job.Text("error"));
        Assert.Equal(5, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(5, origin.Hits(url));
        Assert.Equal(0, await App.MessageCountAsync(JobStorage.PoisonQueueName));
    }

    [Fact]
    public async Task TransientFailure_IsRetried_ThenSucceeds()
    {
        var url = origin.Flaky(failures: 2, status: 429, body: "finally some words");

        var id = (await App.PostJobsAsync($$"""{"url": "{{url}}"}""")).Text("id");
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(id);

        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(3, job.Body.GetProperty("words").GetInt64());
        Assert.Equal(3, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, job.Body.GetProperty("error").ValueKind);
    }
}
