using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;

namespace Tally.Benchmarks.Host;

/// <summary>What one measured window cost: its wall time, each process's CPU seconds, the storage calls by kind, and what the origin saw.</summary>
internal sealed record Window(TimeSpan Elapsed, IReadOnlyDictionary<string, double> Cpu, IReadOnlyDictionary<string, long>? Calls, OriginStats Origin)
{
    public long TotalCalls => Calls?.Values.Sum() ?? 0;
}

/// <summary>
/// One pass of a round: the jobs (with each POST's time) and the batch, under one politeness setting; <c>cold</c> is
/// the first after the host started (as on an instance just added), <c>warm</c> the same again on the same host.
/// </summary>
internal sealed record RoundResult(int Round, string Politeness, string Pass, TimeSpan Start, TimeSpan[] Posts, Window Jobs, Window Batch);

/// <summary>
/// One round of the host benchmark on fresh storage: Azurite (in memory), the counting proxy in front of it unless
/// <c>--direct</c>, and <c>func start</c> on the built app with <paramref name="settings"/>. A warm-up of a few jobs
/// and a small batch, not measured; then the jobs (requests of <see cref="UrlsPerRequest"/> URLs, sent one after the
/// other, until every job is final), then the same URLs as one batch at parallelism 64; then both again. The second
/// pass is the first's with the app warm (its connection pools, its first calls of each path, compiled as they come).
/// </summary>
internal sealed class HostRun(OriginProcess origin, int pages, long expectedWords, bool direct)
{
    private const int UrlsPerRequest = 1000;
    private const int WarmUp = 20;

    public async Task<IReadOnlyList<RoundResult>> RunAsync(int round, string politeness, IReadOnlyDictionary<string, string> settings)
    {
        var azurite = await StartAzuriteAsync();
        await WarmStorageAsync(azurite.ConnectionString);
        CountingStorageProxy? proxy = null;
        FuncHost? host = null;
        try
        {
            proxy = direct ? null : await CountingStorageProxy.StartAsync(azurite.ConnectionString);
            var starting = Stopwatch.StartNew();
            host = await FuncHost.StartAsync($"host ({politeness})", proxy?.ConnectionString ?? azurite.ConnectionString, settings);
            var start = starting.Elapsed;
            var cpu = new ProcessCpu(azurite.ProcessId, origin.ProcessId);

            // Not measured: JIT, connection pools, the tables, queues, containers and task hub made on first use.
            var warmUp = Enumerable.Range(3 * pages, WarmUp).Select(origin.Page).ToArray();
            await FinishedAsync(host, [await EnqueueAsync(host, warmUp)]);
            await BatchFinishedAsync(host, await StartBatchAsync(host, warmUp));

            var urls = Enumerable.Range(0, pages).Select(origin.Page).ToArray();
            var cold = await PassAsync(host, cpu, proxy, urls);
            var warm = await PassAsync(host, cpu, proxy, urls);
            return
            [
                new RoundResult(round, politeness, "cold", start, cold.Posts, cold.Jobs, cold.Batch),
                new RoundResult(round, politeness, "warm", start, warm.Posts, warm.Jobs, warm.Batch),
            ];
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            await azurite.DisposeAsync();
        }
    }

    private async Task<(TimeSpan[] Posts, Window Jobs, Window Batch)> PassAsync(FuncHost host, ProcessCpu cpu, CountingStorageProxy? proxy, Uri[] urls)
    {
        var posts = new List<TimeSpan>();
        var requests = new List<string>();
        var jobs = await MeasureAsync(cpu, proxy, async () =>
        {
            foreach (var chunk in urls.Chunk(Math.Min(UrlsPerRequest, pages / 2)))
            {
                var clock = Stopwatch.StartNew();
                requests.Add(await EnqueueAsync(host, chunk));
                posts.Add(clock.Elapsed);
            }

            await ServedAsync(urls.Length);
            await FinishedAsync(host, requests);
        });
        await NoneFailedAsync(host, requests);

        string? batch = null;
        var batchWindow = await MeasureAsync(cpu, proxy, async () =>
        {
            batch = await StartBatchAsync(host, urls);
            await ServedAsync(urls.Length);
            await BatchFinishedAsync(host, batch);
        });
        await WordsAsExpectedAsync(host, batch!);
        return ([.. posts], jobs, batchWindow);
    }

    /// <summary>
    /// Runs Azurite's table transactions, queries and queue sends of a 1,000-URL request's size on tables and a queue of
    /// its own before the host starts, so that the cold pass measures a new instance on warm storage, as on Azure, not
    /// the emulator's own first calls (its JavaScript compiled as it goes): on 2026-12-04 the cold pass's 1,000-URL
    /// requests took 0.23-0.76 s without it and 0.19-0.59 s with it (warm passes 0.16-0.60 s).
    /// </summary>
    private static async Task WarmStorageAsync(string connection)
    {
        var table = new TableClient(connection, "BenchmarkWarmUp");
        var queue = new QueueClient(connection, "benchmark-warm-up");
        await Task.WhenAll(table.CreateIfNotExistsAsync(), queue.CreateIfNotExistsAsync());
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(async chunk =>
            {
                var partition = $"{round}-{chunk}";
                await table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(row => new TableTransactionAction(
                    TableTransactionActionType.Add, // as the app inserts a request's records
                    new TableEntity(partition, $"{row:D4}") { ["Url"] = $"http://127.0.0.1/{row}", ["Status"] = "queued", ["EnqueuedAt"] = DateTimeOffset.UtcNow })));
                await queue.SendMessageAsync(new string('x', 4096));
                await table.QueryAsync<TableEntity>(entity => entity.PartitionKey == partition).ToListAsync();
            }));
        }
    }

    /// <summary>
    /// Starts Azurite, again on other ports when it could not bind: other programs on this machine take ports between
    /// the check that one is free and Azurite's bind.
    /// </summary>
    private static async Task<Azurite> StartAzuriteAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var azurite = new Azurite();
            try
            {
                await azurite.InitializeAsync();
                return azurite;
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                await azurite.DisposeAsync();
            }
        }
    }

    private async Task<Window> MeasureAsync(ProcessCpu cpu, CountingStorageProxy? proxy, Func<Task> work)
    {
        await origin.ResetAsync();
        var cpuBefore = cpu.Read();
        var callsBefore = proxy?.Snapshot();
        var clock = Stopwatch.StartNew();
        await work();
        var elapsed = clock.Elapsed;
        var cpuAfter = cpu.Read();
        var calls = proxy?.Snapshot().ToDictionary(c => c.Key, c => c.Value - callsBefore!.GetValueOrDefault(c.Key)).Where(c => c.Value > 0).ToDictionary();
        return new Window(elapsed, cpuAfter.ToDictionary(c => c.Key, c => c.Value - cpuBefore[c.Key]), calls, await origin.StatsAsync());
    }

    private static async Task<string> EnqueueAsync(FuncHost host, Uri[] urls)
    {
        using var response = await host.Http.PostAsJsonAsync("api/jobs", new { urls });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /api/jobs answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("requestId").GetString()!;
    }

    private static async Task<string> StartBatchAsync(FuncHost host, Uri[] urls)
    {
        using var response = await host.Http.PostAsJsonAsync("api/batches", new { urls, maxParallelism = 64 });
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!
            : throw new InvalidOperationException($"POST /api/batches answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>Waits, asking only the origin (not the app, whose storage calls are being counted), until every page was served.</summary>
    private async Task ServedAsync(int count) =>
        await UntilAsync(origin.StatsAsync, stats => stats.Distinct >= count, $"the origin to serve {count} pages");

    /// <summary>Waits until no job of the requests is queued or running (every page is served by then: this is the tail only).</summary>
    private static async Task FinishedAsync(FuncHost host, IReadOnlyList<string> requests)
    {
        foreach (var request in requests)
        {
            foreach (var status in new[] { "queued", "running" })
            {
                await UntilAsync(() => JobsAsync(host, request, status), count => count == 0, $"request {request} to have no {status} job");
            }
        }
    }

    private static async Task NoneFailedAsync(FuncHost host, IReadOnlyList<string> requests)
    {
        foreach (var request in requests)
        {
            if (await JobsAsync(host, request, "failed") > 0)
            {
                throw new InvalidOperationException($"Request {request} has failed jobs: GET /api/jobs?request={request}&status=failed says why.");
            }
        }
    }

    private static async Task<int> JobsAsync(FuncHost host, string request, string status)
    {
        using var page = JsonDocument.Parse(await host.Http.GetStringAsync($"api/jobs?request={request}&status={status}&limit=1"));
        return page.RootElement.GetProperty("jobs").GetArrayLength();
    }

    private static async Task BatchFinishedAsync(FuncHost host, string id) =>
        await UntilAsync(async () => (await BatchAsync(host, id)).GetProperty("status").GetString(), status => status is "completed" or "failed" or "terminated",
            $"batch {id} to finish");

    private async Task WordsAsExpectedAsync(FuncHost host, string id)
    {
        var batch = await BatchAsync(host, id);
        var result = batch.GetProperty("result");
        if (batch.GetProperty("status").GetString() != "completed" || result.GetProperty("failed").GetInt32() != 0 || result.GetProperty("totalWords").GetInt64() != expectedWords)
        {
            throw new InvalidOperationException($"The batch did not count every page as the generator did ({expectedWords:N0} words): {batch}");
        }
    }

    private static async Task<JsonElement> BatchAsync(FuncHost host, string id) =>
        JsonDocument.Parse(await host.Http.GetStringAsync($"api/batches/{id}")).RootElement.Clone();

    /// <summary>Asks every 20 ms, so a window's end is known to 20 ms, for at most 10 minutes.</summary>
    private static async Task UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        for (var value = await probe(); !done(value); value = await probe())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"Gave up after 10 minutes waiting for {what}; last answer: {value}");
            }

            await Task.Delay(20);
        }
    }
}
