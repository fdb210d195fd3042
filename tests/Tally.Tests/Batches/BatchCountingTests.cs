using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>What a batch counts and gathers: every page, at most <c>maxParallelism</c> fetches at once, each failure recorded against its URL after its retries.</summary>
[Collection(BatchCollection.Name)]
public sealed class BatchCountingTests(Azurite azurite, Origin origin) : BatchAppTests(azurite)
{
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

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
