using Microsoft.DurableTask.Client;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>A batch runs in slices whose URLs and pages live in blobs: its size fixed at the start, its progress counted a slice at a time, its history cut into generations, no URL in the orchestration.</summary>
[Collection(BatchCollection.Name)]
public sealed class BatchSliceTests(Azurite azurite, Origin origin) : BatchAppTests(azurite)
{
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
        // The origin holds every page until the test has read the batch once, and the last URL (in the second and last
        // slice of 16) until the test has read a progress between none and all: the three are seen at any machine speed.
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var partialRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var urls = Enumerable.Range(0, 30).Select(i => origin.Serve(async context =>
        {
            await (i == 29 ? partialRead : firstRead).Task.WaitAsync(TimeSpan.FromSeconds(30)); // a deadline, not a sleep: released below
            await Origin.Write(context, "w", "text/plain");
        })).ToArray();
        var id = (await _app.StartAsync(Body(urls, 2))).Text("id");
        var seen = new List<int>();

        var last = await Eventually.GetAsync(async () =>
        {
            var batch = await _app.GetAsync(id);
            var progress = batch.Body.GetProperty("progress");
            Assert.Equal(30, progress.GetProperty("total").GetInt32());
            var done = progress.GetProperty("done").GetInt32();
            seen.Add(done);
            firstRead.TrySetResult();
            if (done is > 0 and < 30)
            {
                partialRead.TrySetResult();
            }

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
}
