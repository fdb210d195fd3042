using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tally.Functions.Politeness;
using Tally.Politeness;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Politeness;

/// <summary>Per-origin limits and pauses, measured at a real origin of each test's own.</summary>
[Collection(StorageCollection.Name)]
public sealed class OriginLimitTests(Azurite azurite) : IAsyncLifetime
{
    private readonly Origin _site = new();
    private readonly Origin _other = new();
    private readonly List<TallyApp> _apps = [];

    public async Task InitializeAsync()
    {
        await _site.InitializeAsync();
        await _other.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.ClearQueuesAsync();
            await app.DisposeAsync();
        }

        await _site.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task RetryAfter_PausesTheOrigin_NoRequestDuringThePause_AndNoAttemptIsSpent()
    {
        const int refused = 4;
        var app = await StartAppAsync(("Tally:Politeness:Origins:0:Origin", OriginName.Of(_site.BaseAddress)), ("Tally:Politeness:Origins:0:MaxConcurrent", $"{refused}"));
        var arrivals = new ConcurrentQueue<DateTimeOffset>();
        var firstRefusal = DateTimeOffset.MaxValue;
        var seen = 0;
        Uri[] pages = [.. Enumerable.Range(0, 20).Select(_ => _site.Serve(context =>
        {
            var now = DateTimeOffset.UtcNow;
            if (Interlocked.Increment(ref seen) <= refused)
            {
                lock (arrivals)
                {
                    firstRefusal = now < firstRefusal ? now : firstRefusal;
                }

                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "5";
                return Task.CompletedTask;
            }

            arrivals.Enqueue(now);
            return Origin.Write(context, "polite words", "text/plain");
        }))];
        Uri[] others = [.. Enumerable.Range(0, 10).Select(_ => _other.Page("unhurried"))];

        var paused = await EnqueueAsync(app, pages);
        var unpaused = await EnqueueAsync(app, others);
        await app.Host.DrainAsync();
        var listed = await Eventually.GetAsync(
            () => app.ExecuteAsync(new OriginsApi(app.Get<OriginLimiter>()).ListOrigins(TallyApp.Request("GET"), default)),
            answer => answer.Body.GetProperty("origins").EnumerateArray().Any(o => o.GetProperty("origin").GetString() == OriginName.Of(_site.BaseAddress) && o.GetProperty("reason").ValueKind == JsonValueKind.String),
            what: "the paused origin listed");
        var jobs = await FinishAsync(app, paused);
        var otherJobs = await FinishAsync(app, unpaused);

        Assert.All(jobs, job => Assert.Equal(("succeeded", 1), (job.GetProperty("status").GetString(), job.GetProperty("attempts").GetInt32())));
        Assert.Equal(pages.Length, arrivals.Count); // each page once after the pause, the refused ones too
        Assert.All(arrivals, arrival => Assert.True(arrival >= firstRefusal.AddSeconds(5), $"a request came {arrival - firstRefusal} after the first 429 asked for 5 s"));
        Assert.All(jobs, job => Assert.True(job.GetProperty("politeWaitMs").GetInt64() >= 1000, $"{job}"));
        Assert.All(otherJobs, job => Assert.Equal(("succeeded", 1), (job.GetProperty("status").GetString(), job.GetProperty("attempts").GetInt32())));
        Assert.All(otherJobs, job => Assert.True(!job.TryGetProperty("politeWaitMs", out var waited) || waited.GetInt64() < 5000, $"{job}"));
        var origin = Assert.Single(listed.Body.GetProperty("origins").EnumerateArray(), o => o.GetProperty("origin").GetString() == OriginName.Of(_site.BaseAddress));
        Assert.Contains("429", origin.GetProperty("reason").GetString());
        Assert.True(origin.GetProperty("pausedUntil").GetDateTimeOffset() >= firstRefusal.AddSeconds(5));
    }

    [Fact]
    public async Task TwoInstances_OnOneStorage_NeverExceedTheOriginsLimit_MeasuredAtTheOrigin()
    {
        const int limit = 4;
        (string, string)[] settings = [("Tally:Politeness:MaxConcurrentPerOrigin", $"{limit}")];
        var first = await StartAppAsync(settings);
        var second = await StartAppAsync(settings);
        var (current, peak) = (0, 0);
        Uri[] pages = [.. Enumerable.Range(0, 500).Select(_ => _site.Serve(async context =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            try
            {
                await Task.Delay(5); // the origin takes a moment, so fetches overlap
                await Origin.Write(context, "one two three", "text/plain");
            }
            finally
            {
                Interlocked.Decrement(ref current);
            }
        }))];
        _site.Replace(new Uri(_site.BaseAddress, "/robots.txt"), async context =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref current));
            Interlocked.Decrement(ref current);
            context.Response.StatusCode = 404;
            await Task.CompletedTask;
        });

        var ids = new List<string>();
        foreach (var request in pages.Chunk(32))
        {
            ids.AddRange(await EnqueueAsync(first, request)); // 16 messages, so both instances find some to run
        }

        var jobs = await FinishAsync(first, [.. ids], second);

        Assert.All(jobs, job => Assert.Equal(("succeeded", 1), (job.GetProperty("status").GetString(), job.GetProperty("attempts").GetInt32())));
        Assert.InRange(peak, 1, limit);
        Assert.True(first.Get<OriginLimiter>().StorageCalls > 0 && second.Get<OriginLimiter>().StorageCalls > 0, "both instances took shares");
    }

    [Fact]
    public async Task Rate_IsHeldAtTheOrigin()
    {
        const int perSecond = 10;
        var app = await StartAppAsync(("Tally:Politeness:RequestsPerSecondPerOrigin", $"{perSecond}"), ("Tally:Politeness:ObeyRobotsTxt", "false"));
        var arrivals = new ConcurrentQueue<DateTimeOffset>();
        Uri[] pages = [.. Enumerable.Range(0, 30).Select(_ => _site.Serve(context =>
        {
            arrivals.Enqueue(DateTimeOffset.UtcNow);
            return Origin.Write(context, "paced", "text/plain");
        }))];

        var jobs = await FinishAsync(app, await EnqueueAsync(app, pages));

        Assert.All(jobs, job => Assert.Equal("succeeded", job.GetProperty("status").GetString()));
        var times = arrivals.Order().ToArray();
        for (var i = 0; i + perSecond + 1 < times.Length; i++)
        {
            // perSecond + 1 requests may touch one second's two ends; one more would break the rate
            Assert.True(times[i + perSecond + 1] - times[i] >= TimeSpan.FromSeconds(1), $"{perSecond + 2} requests within {times[i + perSecond + 1] - times[i]}");
        }
    }

    [Fact]
    public async Task RepeatedServerErrors_LowerTheOriginsLimit_AIMD()
    {
        var app = await StartAppAsync(("Tally:Politeness:ObeyRobotsTxt", "false"));
        Uri[] pages = [.. Enumerable.Range(0, 16).Select(_ => _site.Status(500))];
        var holding = new TaskCompletionSource();
        var slow = _site.Serve(async context =>
        {
            await holding.Task;
            await Origin.Write(context, "held", "text/plain");
        });

        await EnqueueAsync(app, pages);
        await DeliverOnceAsync(app);
        var held = EnqueueAsync(app, [slow]);
        await held;
        var draining = app.Host.DrainAsync();
        var listed = await Eventually.GetAsync(
            () => app.Get<OriginLimiter>().ListAsync(10, default),
            origins => origins.Any(o => o.Origin == OriginName.Of(_site.BaseAddress) && o.InFlight == 1),
            what: "the held page in flight");
        holding.SetResult();
        await draining;

        var state = Assert.Single(listed, o => o.Origin == OriginName.Of(_site.BaseAddress));
        Assert.InRange(state.Limit!.Value, 1, 8); // 16 halved at least once
    }

    [Fact]
    public async Task AnInstanceThatStops_GivesBackItsShare_AtOnce_NotWhenItsLeaseLapses()
    {
        var stopping = await StartAppAsync(("Tally:Politeness:ObeyRobotsTxt", "false"));
        var staying = await StartAppAsync(("Tally:Politeness:ObeyRobotsTxt", "false"));
        var holding = new TaskCompletionSource();
        var held = _site.Serve(async context =>
        {
            await holding.Task;
            await Origin.Write(context, "held", "text/plain");
        });
        var origin = OriginName.Of(_site.BaseAddress);

        await EnqueueAsync(stopping, [held]);
        var draining = stopping.Host.DrainAsync();
        await Eventually.GetAsync(
            () => staying.Get<OriginLimiter>().ListAsync(10, default),
            origins => origins.Any(o => o.Origin == origin && o.InFlight == 1),
            what: "the other instance's fetch in flight");
        await stopping.Get<OriginLimiter>().DisposeAsync();
        var afterStop = await staying.Get<OriginLimiter>().ListAsync(10, default);
        holding.SetResult();
        await draining;

        Assert.DoesNotContain(afterStop, o => o.Origin == origin);
    }

    private async Task<TallyApp> StartAppAsync(params (string Key, string Value)[] settings)
    {
        var app = new TallyApp(azurite, settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        _apps.Add(app);
        if (_apps.Count == 1)
        {
            await app.ClearQueuesAsync();
        }

        return app;
    }

    private static async Task<string[]> EnqueueAsync(TallyApp app, Uri[] pages)
    {
        var accepted = await app.PostJobsAsync(JsonSerializer.Serialize(new { urls = pages }));
        return accepted.Body.TryGetProperty("jobs", out var jobs) ? [.. jobs.EnumerateArray().Select(j => j.GetProperty("id").GetString()!)] : [accepted.Text("id")];
    }

    private static async Task DeliverOnceAsync(TallyApp app)
    {
        var queue = app.Queues.GetQueueClient(Tally.Jobs.JobStorage.QueueName);
        var message = (await queue.ReceiveMessageAsync()).Value;
        await Assert.ThrowsAsync<Tally.Jobs.JobRetryException>(() => app.Get<Tally.Jobs.JobRunner>().RunAsync(message.MessageText, message.MessageId, default));
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    /// <summary>Delivers messages on every app (put-off jobs come back when their message shows again) until each job is final.</summary>
    private static async Task<JsonElement[]> FinishAsync(TallyApp app, string[] ids, params TallyApp[] more)
    {
        return await Eventually.GetAsync(
            async () =>
            {
                await Task.WhenAll(new[] { app }.Concat(more).Select(a => a.Host.DrainAsync()));
                var jobs = new List<JsonElement>();
                foreach (var id in ids)
                {
                    jobs.Add((await app.GetJobAsync(id)).Body);
                }

                return jobs.ToArray();
            },
            jobs => jobs.All(job => job.GetProperty("status").GetString() is "succeeded" or "failed"),
            TimeSpan.FromMinutes(3),
            "every job to finish");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = target; value > seen; seen = target)
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
