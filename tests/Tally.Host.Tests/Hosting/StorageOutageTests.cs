using System.Diagnostics;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Hosting;

/// <summary>
/// Storage that stops answering (Azurite frozen with SIGSTOP: the kernel still accepts connections, nothing answers):
/// every job and batch route, the overview and health answer 503 problem+json with Retry-After within 10 s, and once
/// storage runs again (SIGCONT) the work waiting for it completes.
/// </summary>
public sealed class StorageOutageTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    /// <summary>The bound the README promises.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [HostFact]
    public async Task JobAndBatchRoutesAndHealth_Answer503WithRetryAfterWithin10s_WhileStorageIsStopped_AndWorkResumesAfter()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Suite.Origin.Serve(async context =>
        {
            await gate.Task;
            await Origin.Write(context, "held until storage stopped and came back", "text/plain");
        });
        var before = await Api.EnqueueAsync(held);
        await Eventually.GetAsync(() => Task.FromResult(Suite.Origin.Hits(held)), hits => hits > 0, TallyClient.Patience, "the held job to start");
        var known = await Api.EnqueueAsync(Suite.Origin.Page("a known job"));
        await Api.WaitForJobAsync(known, "succeeded");
        var batch = await Api.PostAsync("api/batches", new { urls = new[] { Suite.Origin.Page("a known batch") } });
        Assert.True(batch.Status == 202, $"POST /api/batches answered {batch}");
        var batchId = batch.Text("id");
        await Api.WaitForBatchAsync(batchId!, b => b.Status == 200 && b.Text("status") == "completed", "the known batch to complete");
        (HttpMethod Method, string Path, string? Body)[] routes =
        [
            (HttpMethod.Post, "api/jobs", """{"url": "http://127.0.0.1:9/x"}"""),
            (HttpMethod.Get, $"api/jobs/{known}", null),
            (HttpMethod.Get, "api/jobs?status=failed", null),
            (HttpMethod.Post, $"api/jobs/{known}/retry", null),
            (HttpMethod.Delete, $"api/jobs/{known}", null),
            (HttpMethod.Get, "api/overview", null),
            (HttpMethod.Get, "api/health", null),
            (HttpMethod.Post, "api/batches", """{"urls": ["http://127.0.0.1:9/x"]}"""),
            (HttpMethod.Get, $"api/batches/{batchId}", null),
            (HttpMethod.Get, $"api/batches/{batchId}/pages", null),
            (HttpMethod.Get, "api/batches", null),
            (HttpMethod.Delete, $"api/batches/{batchId}", null),
        ];

        var answers = new List<(string Route, HttpAnswer? Answer, TimeSpan Took)>();
        Suite.StopStorage();
        try
        {
            foreach (var (method, path, body) in routes)
            {
                // Asked with a longer patience than the bound, so a slow answer is told apart from none.
                using var patience = new CancellationTokenSource(Bound * 3);
                var watch = Stopwatch.StartNew();
                try
                {
                    answers.Add(($"{method} /{path}", await Api.SendAsync(method, path, body, patience.Token), watch.Elapsed));
                }
                catch (TaskCanceledException) when (patience.IsCancellationRequested)
                {
                    answers.Add(($"{method} /{path}", null, watch.Elapsed));
                }
            }
        }
        finally
        {
            Suite.ContinueStorage();
            gate.TrySetResult();
        }

        var resumed = await Api.WaitForJobAsync(before, "succeeded");
        var health = await Eventually.GetAsync(() => Api.GetAsync("api/health"), h => h.Status == 200, TallyClient.Patience, "health after storage came back");

        var report = string.Join('\n', answers.Select(a => $"{a.Route}: {a.Answer?.Status.ToString() ?? "no answer"} after {a.Took.TotalSeconds:F1} s"));
        Assert.All(answers, a =>
        {
            Assert.True(a.Answer?.Status == 503, report);
            Assert.Equal("application/problem+json", a.Answer!.MediaType);
            Assert.NotNull(a.Answer.Headers.RetryAfter);
            Assert.True(a.Took < Bound, report);
        });
        Assert.Equal(7, resumed.Body.GetProperty("words").GetInt64());
        Assert.Equal(200, health.Status);
    }
}
