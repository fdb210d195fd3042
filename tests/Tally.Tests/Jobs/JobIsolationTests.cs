using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// One hostile page in a message of jobs (one table transaction for their results) fails or is bounded alone: its
/// neighbours succeed on their first delivery, nothing is fetched twice, and the hostile job keeps its own reason.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class JobIsolationTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    /// <summary>Longer than the 32K characters a table property holds.</summary>
    private static readonly string Huge = new('x', 40_000);

    [Fact]
    public async Task AContentTypeLongerThanAPropertyHolds_IsStoredBounded_AndItsNeighboursSucceedOnce()
    {
        var hostile = origin.Serve(context =>
        {
            context.Response.Headers.ContentType = $"text/plain; charset=utf-8; x={Huge}";
            return context.Response.WriteAsync("three hostile words");
        }, "huge-content-type");
        var urls = Neighbours(hostile, 15);

        var (jobs, deliveries) = await RunAsync(urls);
        var hostileJob = jobs[15];

        Assert.Equal(1, deliveries);
        Assert.All(jobs, job => Assert.Equal("succeeded", job.Text("status")));
        Assert.Equal(3, hostileJob.Body.GetProperty("words").GetInt64());
        Assert.StartsWith("text/plain; charset=utf-8; x=xxx", hostileJob.Text("contentType"));
        Assert.EndsWith("characters in all)", hostileJob.Text("contentType"));
        Assert.InRange(hostileJob.Text("contentType").Length, 100, StoredText.MaxLength);
        Assert.All(urls, url => Assert.Equal(1, origin.Hits(url)));
    }

    [Fact]
    public async Task ARedirectLoopToAHugeLocation_FailsThatJobAlone_OnItsFirstAttempt_WithItsReason()
    {
        var hostile = origin.Serve(context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = $"{context.Request.Path}#{Huge}"; // a fragment: never sent back, so the request line stays short
            return Task.CompletedTask;
        }, "huge-loop");
        var urls = Neighbours(hostile, 7);

        var (jobs, deliveries) = await RunAsync(urls);
        var failed = jobs[7];

        Assert.Equal(1, deliveries);
        Assert.All(jobs.Where(job => job != failed), job => Assert.Equal("succeeded", job.Text("status")));
        Assert.Equal(("failed", 1), (failed.Text("status"), failed.Body.GetProperty("attempts").GetInt32()));
        Assert.StartsWith("The page redirected more than 5 times; the last hop was to /huge-loop", failed.Text("error"));
        Assert.InRange(failed.Text("error").Length, 100, StoredText.MaxLength);
        Assert.All(urls.Where(url => url != hostile), url => Assert.Equal(1, origin.Hits(url)));
        Assert.Equal(6, origin.Hits(hostile)); // the first request and its 5 redirects, once
    }

    [Fact]
    public async Task ARecordStorageRefuses_FailsThatJobAlone_AndTheOthersOfItsTransactionAreSaved()
    {
        var urls = Enumerable.Range(0, 6).Select(i => origin.Page($"page {i}")).ToArray();
        var refused = urls[2].AbsoluteUri;

        // Storage refuses the record of that job's result whenever it is written, as it refuses a value it cannot hold.
        App.Faults.RejectWhen = request => IndexOfResult(request, refused);
        var (jobs, deliveries) = await RunAsync(urls);

        Assert.InRange(App.Faults.Injected, 1, 2); // in the shared transaction, then alone
        Assert.Equal(1, deliveries);
        Assert.Equal(["succeeded", "succeeded", "failed", "succeeded", "succeeded", "succeeded"], jobs.Select(job => job.Text("status")));
        Assert.Contains("could not store this page's result (storage answered PropertyValueTooLarge)", jobs[2].Text("error"));
        Assert.All(urls, url => Assert.Equal(1, origin.Hits(url)));
    }

    /// <summary>Where, in a write of results, the record of <paramref name="url"/>'s success is; null when it holds none.</summary>
    private static int? IndexOfResult(Azure.Core.Request request, string url)
    {
        if (request.Content is null || request.Method == Azure.Core.RequestMethod.Get)
        {
            return null;
        }

        using var body = new MemoryStream();
        request.Content.WriteTo(body, default);
        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        var records = text.Split("\"Url\":", StringSplitOptions.None).Skip(1).ToArray();
        var index = Array.FindIndex(records, record => record.StartsWith($"\"{url}\"", StringComparison.Ordinal) && record.Contains("\"Status\":\"succeeded\"", StringComparison.Ordinal));
        return index < 0 ? null : index;
    }

    [Fact]
    public async Task ABinaryBodyWithAContentTypeThatCannotBeParsed_FailsAsNotText_OnItsFirstAttempt_KeepingWhatItSent()
    {
        var hostile = origin.Serve(async context =>
        {
            context.Response.Headers.ContentType = "<b>text</b>";
            await context.Response.Body.WriteAsync((byte[])[0x00, 0x01, .. "binary"u8]);
        }, "binary");

        var (jobs, _) = await RunAsync([hostile, origin.Page("fine")]);

        Assert.Equal(("failed", 1), (jobs[0].Text("status"), jobs[0].Body.GetProperty("attempts").GetInt32()));
        Assert.StartsWith("Byte 0 of the page is 0x00, a binary data byte", jobs[0].Text("error"));
        Assert.Equal("<b>text</b>", jobs[0].Text("contentType"));
        Assert.Equal("succeeded", jobs[1].Text("status"));
    }

    private Uri[] Neighbours(Uri hostile, int before) =>
        [.. Enumerable.Range(0, before).Select(i => origin.Page($"neighbour {i} words")), hostile, .. Enumerable.Range(0, 16).Select(i => origin.Page($"after {i}"))];

    private async Task<(ApiResponse[] Jobs, int Deliveries)> RunAsync(Uri[] urls)
    {
        var response = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = urls.Select(u => u.AbsoluteUri) }));
        Assert.Equal(202, response.Status);
        var ids = response.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray();
        var deliveries = await App.Host.DrainAsync();
        return (await Task.WhenAll(ids.Select(App.GetJobAsync)), deliveries);
    }
}
