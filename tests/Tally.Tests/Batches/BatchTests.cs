using System.Text.Json;
using Microsoft.DurableTask.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>Batches on <c>DurableTaskTestHost</c>, fetching from a real origin on 127.0.0.1.</summary>
public sealed class BatchTests(Origin origin) : IClassFixture<Origin>, IAsyncLifetime
{
    private BatchApp _app = null!;

    public async Task InitializeAsync() => _app = await BatchApp.StartAsync();

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

    /// <remarks>
    /// The in-process test host runs at most <see cref="Environment.ProcessorCount"/> activities at once
    /// (2 on CI), so parallelism 1 is where the orchestrator's own window shows: the host would allow more.
    /// </remarks>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task InFlightFetches_NeverExceedMaxParallelism_AndComeCloseToIt(int maxParallelism)
    {
        int inFlight = 0, peak = 0;
        var urls = Enumerable.Range(0, 12).Select(_ => origin.Serve(async context =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref inFlight));
            await Task.Delay(25); // origin latency, so that fetches overlap
            Interlocked.Decrement(ref inFlight);
            await Origin.Write(context, "slow page", "text/plain");
        })).ToArray();

        var batch = await _app.CompletedAsync((await _app.StartAsync(Body(urls, maxParallelism))).Text("id"));

        Assert.Equal("completed", batch.Text("status"));
        Assert.InRange(peak, Math.Min(maxParallelism, Environment.ProcessorCount), maxParallelism);
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
    public async Task ChunkSize_TravelsInTheInput_SoAChangedSettingNeverReachesABatchInFlight()
    {
        using var gate = new SemaphoreSlim(0);
        var fetched = 0;
        var urls = Enumerable.Range(0, 25).Select(_ => origin.Serve(async context =>
        {
            Interlocked.Increment(ref fetched);
            await gate.WaitAsync(TimeSpan.FromSeconds(30)); // a deadline, not a sleep: released below
            await Origin.Write(context, "word", "text/plain");
        })).ToArray();
        SetChunkSize(10);

        var id = (await _app.StartAsync(Body(urls, 4))).Text("id");
        await Eventually.GetAsync(() => Task.FromResult(Volatile.Read(ref fetched)), n => n > 0, what: "the batch to be in flight");
        SetChunkSize(25); // were replay to see it, the parent would fetch all 25 itself: not what its history holds
        gate.Release(urls.Length);
        var batch = await _app.CompletedAsync(id);

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(25, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.NotNull(await _app.Client.GetInstanceAsync($"{id}-0002")); // 10 + 10 + 5
        Assert.Null(await _app.Client.GetInstanceAsync($"{id}-0003"));
    }

    [Fact]
    public async Task Batches_AreListedNewestFirst_InPages_WithoutTheirSubOrchestrations()
    {
        SetChunkSize(10);
        var ids = new List<string>();
        foreach (var size in new[] { 1, 25, 2 }) // the 25-URL batch runs three sub-orchestrations
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
        var unknown = await PagesAsync("b" + new string('0', 32), "");

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
    public async Task LargeBatch_ShowsPagesDone_AsItsChunksReportThem_BeforeAnyChunkFinishes()
    {
        // Was: the batch counted a chunk only once it had finished, so a large batch read 0 done for a long time.
        SetChunkSize(10);
        using var gate = new SemaphoreSlim(0);
        var urls = Enumerable.Range(0, 30).Select(i => i % 10 < 5
            ? origin.Page("word")
            : origin.Serve(async context =>
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(30)); // a deadline, not a sleep: released below
                await Origin.Write(context, "word", "text/plain");
            })).ToArray();

        var id = (await _app.StartAsync(Body(urls, 2))).Text("id"); // two chunks at a time, one fetch each
        var during = await Eventually.GetAsync(() => _app.GetAsync(id), b => Done(b) >= 10, what: "the first pages of two chunks");
        var third = await _app.Client.GetInstanceAsync($"{id}-0002");
        gate.Release(urls.Length);
        var batch = await _app.CompletedAsync(id);

        Assert.Equal("running", during.Text("status"));
        Assert.Null(third); // no chunk had finished, so the third had not started: the 10 came from reports
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
    public async Task Terminate_StopsARunningBatch()
    {
        var release = new TaskCompletionSource();
        var url = origin.Serve(async context =>
        {
            await release.Task;
            await Origin.Write(context, "late", "text/plain");
        });
        try
        {
            var id = (await _app.StartAsync(Body([url, url], 2))).Text("id");
            await Eventually.GetAsync(() => Task.FromResult(origin.Hits(url)), hits => hits > 0, what: "the batch to start fetching");

            var terminated = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));
            var batch = await _app.CompletedAsync(id);
            var again = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));

            Assert.Equal(202, terminated.Status);
            Assert.Equal("terminated", batch.Text("status"));
            Assert.Equal(409, again.Status);
            Assert.Equal("application/problem+json", again.ContentType);
        }
        finally
        {
            release.SetResult();
        }
    }

    [Fact]
    public async Task TwoThousandUrls_CompleteThroughSubOrchestrations_WithTheRightTotal()
    {
        var page = origin.Page("two words");
        var urls = Enumerable.Range(0, 2000).Select(i => new Uri($"{page}?n={i}")).ToArray();

        // Parallelism 1 keeps the in-process host below its concurrency cap, where it polls every 500 ms for a free slot.
        var id = (await _app.StartAsync(Body(urls, 1))).Text("id");
        var batch = await _app.CompletedAsync(id, TimeSpan.FromMinutes(5));
        var chunks = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => _app.Client.GetInstanceAsync($"{id}-{i:D4}")));

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(4000, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.Equal(2000, batch.Body.GetProperty("result").GetProperty("succeeded").GetInt32());
        Assert.All(chunks, chunk => Assert.Equal(OrchestrationRuntimeStatus.Completed, chunk?.RuntimeStatus));
        Assert.Null(await _app.Client.GetInstanceAsync($"{id}-0004"));
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
    }

    [Fact]
    public async Task FinishedBatches_OlderThanTheTtl_ArePurged()
    {
        var id = (await _app.StartAsync(Body([origin.Page("soon gone")], 1))).Text("id");
        await _app.CompletedAsync(id);

        var early = await _app.Batches.PurgeFinishedAsync(_app.Client, default);
        _app.Clock.Advance(TimeSpan.FromDays(2));
        var late = await _app.Batches.PurgeFinishedAsync(_app.Client, default);

        Assert.Equal(0, early);
        Assert.True(late >= 1);
        Assert.Equal(404, (await _app.GetAsync(id)).Status);
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

    private void SetChunkSize(int size)
    {
        _app.Configuration["Tally:Batches:ChunkSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _app.Configuration.Reload();
    }
}
