using System.Diagnostics;
using Azure.Storage.Queues;
using Tally.Jobs;
using Tally.Politeness;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Jobs;

/// <summary>
/// Crash recovery under the real host: the host killed (SIGKILL to the host and its worker) while jobs run keeps their
/// messages invisible for 10 minutes, yet after a restart every job finishes within a minute, once.
/// </summary>
public sealed class JobRecoveryTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    /// <summary>How long after the restart the jobs may take: their messages would come back after ten.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromMinutes(1);

    private readonly ITestOutputHelper _output = output;

    [HostFact]
    public async Task HostKilledWhileJobsRun_EveryJobFinishesOnce_WithinAMinuteOfTheRestart()
    {
        // An origin of its own, so its politeness window is whole (the shared origin's may be narrowed by the tests
        // before), and fewer pages than the origin's limit: every page is asked for at once and held while the host dies.
        var origin = new Origin();
        await origin.InitializeAsync();
        try
        {
            await RecoverAsync(origin, new PolitenessOptions().MaxConcurrentPerOrigin - 4);
        }
        finally
        {
            await origin.DisposeAsync();
        }
    }

    private async Task RecoverAsync(Origin origin, int count)
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pages = Enumerable.Range(1, count).Select(i => (Words: i % 7 + 1, Url: origin.Serve(async context =>
        {
            await released.Task.WaitAsync(TimeSpan.FromMinutes(2)); // a deadline, not a sleep: the test releases the pages
            await Origin.Write(context, string.Join(' ', Enumerable.Repeat($"p{i}", i % 7 + 1)), "text/plain");
        }))).ToArray();
        var enqueued = await Api.PostAsync("api/jobs", new { urls = pages.Select(p => p.Url) });
        Assert.True(enqueued.Status == 202, $"POST /api/jobs answered {enqueued}");
        var request = enqueued.Text("requestId");
        await Eventually.GetAsync(() => Task.FromResult(pages.Count(p => origin.Hits(p.Url) > 0)), n => n == pages.Length, TallyClient.Patience, "every page to be asked for");

        await Suite.Host.KillAsync();
        var before = pages.Select(p => origin.Hits(p.Url)).ToArray();
        released.SetResult(); // the dead worker's fetches are gone with it; the next ones are answered at once
        await Suite.Host.RestartAsync();
        var restarted = Stopwatch.StartNew();
        var listed = await Eventually.GetAsync(
            () => Api.GetAsync($"api/jobs?request={request}&status=succeeded&limit=200"),
            list => list.Status == 200 && list.Body.GetProperty("jobs").GetArrayLength() == pages.Length,
            Recovery,
            "every job to succeed within a minute of the restart");
        _output.WriteLine($"every job succeeded {restarted.Elapsed.TotalSeconds:F1} s after the restarted host was healthy");
        var jobs = listed.Body.GetProperty("jobs").EnumerateArray().ToArray(); // in the order given

        Assert.Equal(pages.Select(p => p.Url.ToString()), jobs.Select(job => job.GetProperty("url").GetString()));
        Assert.Equal(pages.Select(p => (long)p.Words), jobs.Select(job => job.GetProperty("words").GetInt64()));
        Assert.Equal(pages.Select(_ => 1), pages.Select((p, i) => origin.Hits(p.Url) - before[i])); // each page fetched once after the restart: revived once, never twice

        // The dead worker's messages stay invisible for ten minutes (then find their run stale): the next test must see an empty queue.
        await new QueueClient(Suite.Azurite.ConnectionString, JobStorage.QueueName).ClearMessagesAsync();
    }
}
