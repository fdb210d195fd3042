using System.Diagnostics;
using System.Text;
using Tally.Tests.Infrastructure;

namespace Tally.Benchmarks;

/// <summary>
/// Jobs end to end on the real parts this machine can run: Azurite, a local origin serving 16 KiB pages,
/// the app's own services (as the tests build them), and the host stand-in with the limits of the app's
/// host.json (batch size, threshold, concurrency). Two requests of 1,000 URLs each, as the jobs-at-scale
/// issue measured, then the queue drained; three rounds, each on a fresh Azurite. Then RQ, three rounds of the same
/// jobs against the same origin (Compare/rq_pipeline.py), as the same-sitting reference.
/// </summary>
internal static class PipelineThroughput
{
    private const int Requests = 2;
    private const int UrlsPerRequest = 1000;
    private const int Rounds = 3;

    public static async Task RunAsync()
    {
        var page = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet consectetur ", 440)))[..(16 * 1024)];
        await using var origin = await LocalOrigin.StartAsync(context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.Body.WriteAsync(page).AsTask();
        });

        Console.WriteLine($"{Requests} x {UrlsPerRequest:N0} URLs of {page.Length / 1024} KiB from {origin.Address}; host.json: {HostQueueSettings.FromHostJson()}");
        Console.WriteLine("round   enqueue 1   enqueue 2   drained in   jobs/s end to end   calls/job enqueue   calls/job run   limits' calls/fetch");
        var results = new List<double>();
        for (var round = 1; round <= Rounds; round++)
        {
            var azurite = new Azurite();
            await azurite.InitializeAsync();
            try
            {
                await using var app = new TallyApp(azurite);
                await app.ClearQueuesAsync();
                await app.PostJobsAsync($$"""{"url": "{{new Uri(origin.Address, "/warm-up")}}"}""");
                await app.Host.DrainAsync();

                var urls = Enumerable.Range(0, Requests * UrlsPerRequest).Select(i => new Uri(origin.Address, $"/page/{i}")).ToArray();
                app.Faults.Reset();
                var clock = Stopwatch.StartNew();
                var enqueueTimes = new List<TimeSpan>();
                foreach (var chunk in urls.Chunk(UrlsPerRequest))
                {
                    var started = clock.Elapsed;
                    var response = await app.PostJobsAsync($$"""{"urls": [{{string.Join(",", chunk.Select(u => $"\"{u}\""))}}]}""");
                    enqueueTimes.Add(clock.Elapsed - started);
                    if (response.Status != 202)
                    {
                        throw new InvalidOperationException($"Enqueue answered {response}");
                    }
                }

                var enqueueCalls = app.Faults.Calls;
                var drainStarted = clock.Elapsed;
                var limitsCalls = app.Get<Tally.Politeness.OriginLimiter>().StorageCalls;
                await DrainAllAsync(app);
                var total = clock.Elapsed;
                limitsCalls = app.Get<Tally.Politeness.OriginLimiter>().StorageCalls - limitsCalls;
                var runCalls = app.Faults.Calls - enqueueCalls;
                var jobsPerSecond = urls.Length / total.TotalSeconds;
                results.Add(jobsPerSecond);
                Console.WriteLine($"{round,5} {enqueueTimes[0].TotalSeconds,9:0.00} s {enqueueTimes[1].TotalSeconds,9:0.00} s {(total - drainStarted).TotalSeconds,10:0.00} s {jobsPerSecond,19:N0} {(double)enqueueCalls / urls.Length,19:0.00} {(double)runCalls / urls.Length,15:0.00} {(double)limitsCalls / urls.Length,21:0.000}");
            }
            finally
            {
                await azurite.DisposeAsync();
            }
        }

        Console.WriteLine($"median: {results.Order().ElementAt(results.Count / 2):N0} jobs/s end to end (first request to last job finished)");

        Console.WriteLine("RQ in the same sitting, same origin and pages: 2 SimpleWorkers, Redis in memory (Compare/rq_pipeline.py)");
        for (var round = 1; round <= Rounds; round++)
        {
            Console.WriteLine($"{round,5}   {Rq(new Uri(origin.Address, "/page"))}");
        }
    }

    /// <summary>Drains the queue until no message is left, hidden ones included: a job put off by its origin's limits comes back later.</summary>
    private static async Task DrainAllAsync(TallyApp app)
    {
        var queue = app.Queues.GetQueueClient(Tally.Jobs.JobStorage.QueueName);
        await app.Host.DrainAsync();
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            await Task.Delay(100); // a hidden message shows when its delay ends
            await app.Host.DrainAsync();
        }
    }

    /// <summary>Runs Compare/rq_pipeline.py with Debian's python3-rq and redis-server; what it printed, or why it could not run.</summary>
    private static string Rq(Uri pages) => Compare.CompareScript.Run("/usr/bin/python3", "rq_pipeline.py", pages.AbsoluteUri, $"{Requests}", $"{UrlsPerRequest}") switch
    {
        null => "could not run: no /usr/bin/python3",
        { ExitCode: 0, Output: var output } => $"{output[2]} jobs/s end to end; enqueue {string.Join(" s, ", output[3..^1])} s; {output[^1]}",
        { LastError: var error } => $"could not run ({error}): apt-get install python3-rq redis-server",
    };
}
