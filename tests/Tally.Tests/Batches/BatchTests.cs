using System.Text.Json;
using Microsoft.DurableTask.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>Batches on <c>DurableTaskTestHost</c>, with their blobs on Azurite, fetching from a real origin on 127.0.0.1.</summary>
public sealed class BatchTests(BatchFixture fixture) : IClassFixture<BatchFixture>, IAsyncLifetime
{
    private readonly Origin origin = fixture.Origin;
    private BatchApp _app = null!;

    public async Task InitializeAsync() => _app = await BatchApp.StartAsync(fixture.Azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FiftyPages_AreCountedAndGathered_WithTheRightTotals()
    {
        var urls = Enumerable.Range(1, 50).Select(i => origin.Page(string.Join(' ', Enumerable.Repeat("w", i)))).ToArray();

        var started = await _app.StartAsync(Body(urls, 8));
        var batch = await _app.CompletedAsync(started.Text("id"));
        var result = batch.Body.GetProperty("result");

        Assert.Equal(202, started.Status);
        Assert.Equal($"/api/batches/{started.Text("id")}", started.Location);
        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(50 * 51 / 2, result.GetProperty("totalWords").GetInt64());
        Assert.Equal(50, result.GetProperty("succeeded").GetInt32());
        Assert.Equal(0, result.GetProperty("failed").GetInt32());
        Assert.Equal(urls.Select(u => u.AbsoluteUri), result.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("url").GetString()));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), result.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("words").GetInt64()));
        Assert.Equal(50, batch.Body.GetProperty("progress").GetProperty("done").GetInt32());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task InFlightFetches_ReachMaxParallelism_AndNeverPassIt(int maxParallelism)
    {
        using var gate = new SemaphoreSlim(0);
        int inFlight = 0, peak = 0;
        var urls = Enumerable.Range(0, maxParallelism * 3).Select(_ => origin.Serve(async context =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref inFlight));
            await gate.WaitAsync(TimeSpan.FromSeconds(60)); // a deadline, not a sleep: released below
            Interlocked.Decrement(ref inFlight);
            await Origin.Write(context, "held page", "text/plain");
        })).ToArray();

        var id = (await _app.StartAsync(Body(urls, maxParallelism))).Text("id");
        var full = await Eventually.GetAsync(() => Task.FromResult(Volatile.Read(ref inFlight)), n => n >= maxParallelism, what: $"{maxParallelism} fetches in flight");
        gate.Release(urls.Length);
        var batch = await _app.CompletedAsync(id);

        Assert.Equal(maxParallelism, full);
        Assert.Equal(maxParallelism, peak); // every slot's share in use at once, and never more
        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(urls.Length * 2, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());
    }

    [Fact]
    public async Task PermanentFailure_IsRecordedPerUrl_WhileTheOthersSucceed()
    {
        Uri[] urls = [origin.Page("one"), origin.Status(404), origin.Page("two words"), origin.Serve(c => Origin.Write(c, "x", "image/png"))];

        var batch = await _app.CompletedAsync((await _app.StartAsync(Body(urls, 2))).Text("id"));
        var result = batch.Body.GetProperty("result");
        var pages = result.GetProperty("pages").EnumerateArray().ToArray();

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(3, result.GetProperty("totalWords").GetInt64());
        Assert.Equal(2, result.GetProperty("succeeded").GetInt32());
        Assert.Equal(2, result.GetProperty("failed").GetInt32());
        Assert.Contains("404", pages[1].GetProperty("error").GetString());
        Assert.Contains("image/png", pages[3].GetProperty("error").GetString());
        Assert.Equal(1, origin.Hits(urls[1]));
        Assert.Equal(2, batch.Body.GetProperty("progress").GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task UnexpectedException_IsRecordedPerUrl_AtOnce_WithItsMessage()
    {
        var corrupt = origin.CorruptGzip();

        var batch = await _app.CompletedAsync((await _app.StartAsync(Body([corrupt, origin.Page("fine")], 2))).Text("id"));
        var result = batch.Body.GetProperty("result");

        Assert.Equal(1, result.GetProperty("failed").GetInt32());
        Assert.Contains("InvalidDataException", result.GetProperty("pages")[0].GetProperty("error").GetString());
        Assert.Equal(1, origin.Hits(corrupt)); // not retried: a bug is not fixed by retrying
    }

    [Fact]
    public async Task SliceSize_TravelsInTheInput_SoAChangedSettingNeverReachesABatchInFlight()
    {
        using var gate = new SemaphoreSlim(0);
        var fetched = 0;
        var urls = Enumerable.Range(0, 25).Select(_ => origin.Serve(async context =>
        {
            Interlocked.Increment(ref fetched);
            await gate.WaitAsync(TimeSpan.FromSeconds(30)); // a deadline, not a sleep: released below
            await Origin.Write(context, "word", "text/plain");
        })).ToArray();
        SetSliceSize(5);

        var id = (await _app.StartAsync(Body(urls, 4))).Text("id");
        await Eventually.GetAsync(() => Task.FromResult(Volatile.Read(ref fetched)), n => n > 0, what: "the batch to be in flight");
        SetSliceSize(25); // were replay to see it, the next slice would hold all the rest: not what the blobs hold
        gate.Release(urls.Length);
        var batch = await _app.CompletedAsync(id);
        var pages = await PagesAsync(id, "offset=0&limit=25");

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(25, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.Equal(urls.Select(u => u.AbsoluteUri), pages.Body.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("url").GetString()));
        Assert.Equal(10, await BlobCountAsync(id)); // 5 slices: their URLs and their pages
    }

    [Fact]
    public async Task ABatchStartedBeforeSlices_Fails_SayingToStartItAgain_AndFetchesNothing()
    {
        // An input as the former version wrote it (the BatchRequest of then): the URLs inline, no slice size.
        Uri[] urls = [origin.Page("one"), origin.Page("two words")];
        var id = await _app.Client.ScheduleNewOrchestrationInstanceAsync(
            Tally.Batches.BatchService.OrchestratorName,
            new { Urls = urls.Select(u => u.AbsoluteUri).ToArray(), MaxParallelism = 2, Retry = new { MaxAttempts = 2, FirstIntervalMs = 50 } },
            new Microsoft.DurableTask.StartOrchestrationOptions { InstanceId = "b" + Tally.Jobs.JobIds.NewKey(_app.Clock.GetUtcNow()) });

        var batch = await _app.CompletedAsync(id);
        var pages = await PagesAsync(id, "offset=0");

        Assert.True(batch.Status == 200, batch.ToString());
        Assert.Equal("failed", batch.Text("status"));
        Assert.Equal(Tally.Batches.BatchOrchestration.StartedBeforeSlices, batch.Text("error"));
        Assert.Equal(200, pages.Status);
        Assert.Empty(pages.Body.GetProperty("pages").EnumerateArray());
        Assert.All(urls, url => Assert.Equal(0, origin.Hits(url)));
    }

    [Fact]
    public async Task Batches_AreListedNewestFirst_InPages()
    {
        var ids = new List<string>();
        foreach (var size in new[] { 1, 25, 2 })
        {
            _app.Clock.Advance(TimeSpan.FromMilliseconds(1)); // batch ids carry the millisecond they were started
            var id = (await _app.StartAsync(Body([.. Enumerable.Range(0, size).Select(_ => origin.Page("word"))], 4))).Text("id");
            await _app.CompletedAsync(id);
            ids.Add(id);
        }

        var all = await ListAsync("status=completed&limit=100");
        var listed = all.Body.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("id").GetString()!).Where(ids.Contains).ToList();
        var first = await ListAsync("status=completed&limit=1");
        var running = await ListAsync("status=running");

        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.DoesNotContain(all.Body.GetProperty("batches").EnumerateArray(), b => b.GetProperty("id").GetString()!.Contains('-'));
        Assert.All(all.Body.GetProperty("batches").EnumerateArray(), b => Assert.Equal("completed", b.GetProperty("status").GetString()));
        Assert.Single(first.Body.GetProperty("batches").EnumerateArray());
        Assert.Empty(running.Body.GetProperty("batches").EnumerateArray());
    }

    [Fact]
    public async Task Pages_AreReadASliceAtATime_InTheOrderOfTheUrls()
    {
        var urls = Enumerable.Range(1, 5).Select(i => origin.Page(string.Join(' ', Enumerable.Repeat("w", i)))).ToArray();
        var id = (await _app.StartAsync(Body(urls, 2))).Text("id");
        await _app.CompletedAsync(id);

        var slice = await PagesAsync(id, "offset=1&limit=2");
        var past = await PagesAsync(id, "offset=5");
        var unknown = await PagesAsync("b" + Tally.Jobs.JobIds.NewKey(_app.Clock.GetUtcNow()), ""); // well formed, never started

        Assert.Equal(200, slice.Status);
        Assert.Equal(5, slice.Body.GetProperty("total").GetInt32());
        Assert.Equal(1, slice.Body.GetProperty("offset").GetInt32());
        Assert.Equal([urls[1].AbsoluteUri, urls[2].AbsoluteUri], slice.Body.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("url").GetString()));
        Assert.Equal([2L, 3L], slice.Body.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("words").GetInt64()));
        Assert.Empty(past.Body.GetProperty("pages").EnumerateArray());
        Assert.Equal(404, unknown.Status);
    }

    [Theory]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=x", "offset")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    public async Task BadPagesQuery_Answers400(string query, string named)
    {
        var response = await PagesAsync("b" + new string('0', 32), query);

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains($"?{named}=", response.Text("detail"));
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    public async Task BadListing_Answers400(string query, string named)
    {
        var response = await ListAsync(query);

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(named, response.Text("detail"));
    }

    [Fact]
    public async Task Progress_CountsEachSliceAsItFinishes_WhileLaterOnesAreStillRunning()
    {
        SetSliceSize(5);
        using var gate = new SemaphoreSlim(0);
        var urls = Enumerable.Range(0, 30).Select(i => i < 10
            ? origin.Page("word")
            : origin.Serve(async context =>
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(30)); // a deadline, not a sleep: released below
                await Origin.Write(context, "word", "text/plain");
            })).ToArray();

        var id = (await _app.StartAsync(Body(urls, 2))).Text("id"); // one slot of two fetches: slices of 5 run one after another
        var during = await Eventually.GetAsync(() => _app.GetAsync(id), b => Done(b) >= 10, what: "the first two slices");
        gate.Release(urls.Length);
        var batch = await _app.CompletedAsync(id);

        Assert.Equal("running", during.Text("status"));
        Assert.Equal(10, Done(during));
        Assert.Equal(30, Done(batch));
        Assert.Equal(30, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());

        static int Done(ApiResponse batch) => batch.Body.GetProperty("progress").GetProperty("done").GetInt32();
    }

    [Fact]
    public async Task TransientFailure_IsRetried_ThenSucceeds()
    {
        var url = origin.Flaky(failures: 2, status: 503, body: "third time lucky");

        var batch = await _app.CompletedAsync((await _app.StartAsync(Body([url], 1))).Text("id"));
        var page = batch.Body.GetProperty("result").GetProperty("pages")[0];

        Assert.Equal(3, page.GetProperty("words").GetInt64());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("error").ValueKind);
        Assert.Equal(3, origin.Hits(url));
    }

    [Fact]
    public async Task TransientFailure_ThatNeverRecovers_IsRecordedAfterTheLastRetry()
    {
        var url = origin.Status(503);

        var batch = await _app.CompletedAsync((await _app.StartAsync(Body([url, origin.Page("fine")], 2))).Text("id"));
        var result = batch.Body.GetProperty("result");

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(1, result.GetProperty("failed").GetInt32());
        Assert.Contains("503", result.GetProperty("pages")[0].GetProperty("error").GetString());
        Assert.Equal(4, origin.Hits(url)); // Tally:Batches:RetryAttempts
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
    public async Task TwoThousandUrls_CompleteInSlices_WithTheRightTotal_AndNoUrlInTheOrchestration()
    {
        var page = origin.Page("two words");
        var urls = Enumerable.Range(0, 2000).Select(i => new Uri($"{page}?n={i}")).ToArray();

        var id = (await _app.StartAsync(Body(urls, 16))).Text("id");
        var batch = await _app.CompletedAsync(id, TimeSpan.FromMinutes(5));
        var tail = await PagesAsync(id, "offset=1990&limit=100");
        var instance = await _app.Client.GetInstanceAsync(id, getInputsAndOutputs: true);

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(4000, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.Equal(2000, batch.Body.GetProperty("result").GetProperty("succeeded").GetInt32());
        Assert.Equal(100, batch.Body.GetProperty("result").GetProperty("pages").GetArrayLength()); // the first page; the rest by reference
        Assert.Equal($"/api/batches/{id}/pages?offset=100&limit=100", batch.Text("nextPages"));
        Assert.Equal(urls[1990..].Select(u => u.AbsoluteUri), tail.Body.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("url").GetString()));
        Assert.DoesNotContain("http", instance!.SerializedInput);
        Assert.DoesNotContain("http", instance.SerializedOutput);
        Assert.True(instance.SerializedInput!.Length < 200, instance.SerializedInput);
    }

    [Fact]
    public async Task Progress_RisesMonotonically_ToTheTotal()
    {
        var urls = Enumerable.Range(0, 30).Select(_ => origin.Serve(async context =>
        {
            await Task.Delay(10); // origin latency, so progress can be seen between pages
            await Origin.Write(context, "w", "text/plain");
        })).ToArray();
        var id = (await _app.StartAsync(Body(urls, 2))).Text("id");
        var seen = new List<int>();

        var last = await Eventually.GetAsync(async () =>
        {
            var batch = await _app.GetAsync(id);
            var progress = batch.Body.GetProperty("progress");
            Assert.Equal(30, progress.GetProperty("total").GetInt32());
            seen.Add(progress.GetProperty("done").GetInt32());
            return batch;
        }, batch => batch.Text("status") == "completed", TimeSpan.FromMinutes(1), "the batch to complete");

        Assert.Equal(seen.Order(), seen);
        Assert.Equal(30, seen[^1]);
        Assert.True(seen.Distinct().Count() > 2, $"progress should be seen rising, saw {string.Join(",", seen)}");
        Assert.Equal(30, last.Body.GetProperty("result").GetProperty("pages").GetArrayLength());
        Assert.False(last.Body.TryGetProperty("nextPages", out _)); // all 30 fit the first page
    }

    [Fact]
    public async Task ABatchOfManySlices_ContinuesAsNewEachGeneration_AndKeepsItsTotals()
    {
        SetSliceSize(1);
        _app.Configuration["Tally:Batches:SlicesPerGeneration"] = "10"; // 25 slices: three generations, no history holds more than 10
        _app.Configuration.Reload();
        var page = origin.Page("three little words");
        var urls = Enumerable.Range(0, 25).Select(i => new Uri($"{page}?n={i}")).ToArray();

        var id = (await _app.StartAsync(Body(urls, 8))).Text("id");
        var batch = await _app.CompletedAsync(id, TimeSpan.FromMinutes(3));
        var tail = await PagesAsync(id, "offset=20&limit=10");
        var last = (await _app.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadInputAs<Tally.Batches.BatchRequest>()!;

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(75, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.Equal(25, batch.Body.GetProperty("progress").GetProperty("done").GetInt32());
        Assert.Equal(urls[20..].Select(u => u.AbsoluteUri), tail.Body.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("url").GetString()));
        Assert.Equal(new Tally.Batches.BatchCarry(20, 20, 0, 60), last.Carried); // the last generation began at slice 20, with the first 20's totals
        Assert.Equal(10, last.GenerationSize);
    }

    [Fact]
    public async Task ASliceThatCannotReachStorage_IsRetried_ThenFailsTheBatchWithItsReason()
    {
        // Set before the start, so no slice can read its URLs first: the start writes them, and every read of them fails for good.
        _app.Faults.FailWhen = request => request.Method == Azure.Core.RequestMethod.Get && request.Uri.Path.Contains("/urls/", StringComparison.Ordinal);

        var id = (await _app.StartAsync(Body([origin.Page("never counted")], 1))).Text("id");
        var batch = await _app.CompletedAsync(id);

        Assert.Equal("failed", batch.Text("status"));
        Assert.Contains("CountBatchSlice", batch.Text("error"));
        Assert.Equal(4, _app.Faults.Injected); // the slice's read of its URLs, once an attempt: Tally:Batches:RetryAttempts
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

    [Theory]
    [InlineData("b0000000000000000000000000000")]
    [InlineData("not-a-batch")]
    public async Task UnknownBatch_Answers404(string id)
    {
        var read = await _app.GetAsync(id);
        var terminated = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));

        Assert.All([read, terminated], response =>
        {
            Assert.Equal(404, response.Status);
            Assert.Equal("application/problem+json", response.ContentType);
            Assert.Contains($"There is no batch '{id}'", response.Text("detail"));
        });
    }

    private static string Body(IEnumerable<Uri> urls, int maxParallelism) =>
        JsonSerializer.Serialize(new { urls = urls.Select(u => u.AbsoluteUri), maxParallelism });

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private Task<ApiResponse> ListAsync(string query) =>
        _app.ExecuteAsync(_app.Api.ListBatches(TallyApp.Request("GET", query: "?" + query), _app.Client, default));

    private Task<ApiResponse> PagesAsync(string id, string query) =>
        _app.ExecuteAsync(_app.Api.GetBatchPages(TallyApp.Request("GET", query: "?" + query), _app.Client, id, default));

    private void SetSliceSize(int size)
    {
        _app.Configuration["Tally:Batches:SliceSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _app.Configuration.Reload();
    }

    private async Task<int> BlobCountAsync(string id)
    {
        var container = new Azure.Storage.Blobs.BlobContainerClient(fixture.Azurite.ConnectionString, Tally.Batches.BatchStore.ContainerName);
        return await container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{id}/" }).CountAsync();
    }
}
