using Microsoft.DurableTask.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>A batch's life at either end: a bad request starts nothing, a terminate stops it between slices, the purge removes it and its blobs after the TTL.</summary>
[Collection(BatchCollection.Name)]
public sealed class BatchLifetimeTests(Azurite azurite, Origin origin) : BatchAppTests(azurite)
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { "not json", "not valid JSON" },
        { "{}", "names no URL" },
        { "{\"url\": \"https://example.com\"}", "names no URL" },
        { "{\"urls\": []}", "\"urls\" is empty" },
        { "{\"urls\": [\"ftp://example.com\"]}", "'ftp' scheme" },
        { "{\"urls\": [\"https://example.com\"], \"maxParallelism\": 0}", "\"maxParallelism\" must be a whole number from 1 to 64" },
        { "{\"urls\": [\"https://example.com\"], \"maxParallelism\": 65}", "from 1 to 64; 65 is not" },
        { "{\"urls\": [\"https://example.com\"], \"maxParallelism\": \"lots\"}", "\"lots\" is not" },
        { $"{{\"urls\": [{string.Join(",", Enumerable.Repeat("\"https://example.com\"", 10_001))}]}}", "10,001 URLs; one request may start a batch of at most 10,000" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadRequest_AnswersProblemJson_AndStartsNothing(string body, string detail)
    {
        var response = await _app.StartAsync(body);
        var instances = await _app.Client.GetAllInstancesAsync().ToListAsync();

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(detail, response.Text("detail"));
        Assert.Empty(instances);
    }

    [Fact]
    public async Task Terminate_StopsARunningBatch_AndNoFurtherSliceStarts()
    {
        SetSliceSize(4);
        using var gate = new SemaphoreSlim(0);
        var urls = Enumerable.Range(0, 40).Select(_ => origin.Serve(async context =>
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(60)); // a deadline, not a sleep: released below
            await Origin.Write(context, "late", "text/plain");
        })).ToArray();
        var id = (await _app.StartAsync(Body(urls, 2))).Text("id");
        await Eventually.GetAsync(() => Task.FromResult(urls.Sum(origin.Hits)), hits => hits == 2, what: "the batch to start fetching");

        var terminated = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));
        var batch = await _app.CompletedAsync(id);
        gate.Release(urls.Length); // the running slice finishes its 4 URLs (an activity cannot be stopped); none after it starts
        var again = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));
        var running = await Eventually.GetAsync(() => Task.FromResult(urls.Sum(origin.Hits)), hits => hits >= 4, what: "the running slice to finish");

        Assert.Equal(202, terminated.Status);
        Assert.Equal("terminated", batch.Text("status"));
        Assert.Equal(409, again.Status);
        Assert.Equal("application/problem+json", again.ContentType);
        Assert.Equal(4, running);
        Assert.Equal(4, urls.Sum(origin.Hits)); // read after: still the one slice, so nothing was scheduled after the terminate
    }

    [Fact]
    public async Task FinishedBatches_OlderThanTheTtl_ArePurged_WithTheirBlobs()
    {
        var id = (await _app.StartAsync(Body([origin.Page("soon gone"), origin.Page("also gone")], 1))).Text("id");
        await _app.CompletedAsync(id);
        var blobs = await BlobCountAsync(id);

        var early = await _app.Batches.PurgeFinishedAsync(_app.Client, default);
        _app.Clock.Advance(TimeSpan.FromDays(2));
        var late = await _app.Batches.PurgeFinishedAsync(_app.Client, default);

        Assert.Equal(0, early);
        Assert.True(blobs > 0);
        Assert.True(late >= 1);
        Assert.Equal(404, (await _app.GetAsync(id)).Status);
        Assert.Equal(0, await BlobCountAsync(id));
    }
}
