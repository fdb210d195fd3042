using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tally.Batches;
using Tally.Functions.Batches;
using Tally.Hosting;
using Tally.Tests.Infrastructure;

namespace Tally.Benchmarks;

/// <summary>
/// URLs per second for batches of 100, 2,000 and 10,000 URLs at parallelism 16 and 64, on the Durable backend the
/// Functions host runs: the Azure Storage provider over a real Azurite, behind the host's gRPC sidecar, with
/// host.json's Durable settings (see <see cref="AzureStorageDurableHost"/>). The origin serves 16 KiB pages on 127.0.0.1.
/// </summary>
internal static class BatchThroughput
{
    public static async Task RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [100, 2_000, 10_000];
        var body = System.Text.Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Repeat("word", 16 * 1024 / 5))); // 16 KiB of text
        await using var origin = await LocalOrigin.StartAsync(context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        var azurite = new Azurite();
        Console.WriteLine("Starting Azurite and the Durable backend…");
        await azurite.InitializeAsync();
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Tally:Fetch:AllowPrivateNetworks"] = "true",
            }).Build();
            await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
                .AddTallyCore(configuration).AddSingleton<BatchFunctions>().BuildServiceProvider();
            await using var host = await BatchApp.StartTestHostAsync(services.GetRequiredService<BatchFunctions>(), azurite.ConnectionString, "benchmark");
            var batches = services.GetRequiredService<BatchService>();

            var page = origin.Address.AbsoluteUri.TrimEnd('/');
            Console.WriteLine($"Durable Azure Storage backend on Azurite, host.json settings, {Environment.ProcessorCount} cores; 16 KiB pages from {page}");
            Console.WriteLine($"{"urls",8}{"parallelism",13}{"seconds",10}{"urls/s",10}{"failed",8}   {"asyncio urls/s",16}");
            // A batch not measured first: JIT, connection pools, the blob container and the task hub's queues.
            var warmUp = await batches.StartAsync(host.Client, [.. Enumerable.Range(0, 50).Select(i => new Uri($"{page}/?warm={i}"))], 16, null, CancellationToken.None);
            await CompletedAsync(host.Client, warmUp);
            AsyncioGather(page, 50, 16);

            foreach (var size in sizes)
            {
                foreach (var parallelism in new[] { 16, 64 })
                {
                    var urls = Enumerable.Range(0, size).Select(i => new Uri($"{page}/?n={i}")).ToArray();
                    var clock = Stopwatch.StartNew();
                    var id = await batches.StartAsync(host.Client, urls, parallelism, null, CancellationToken.None);
                    await CompletedAsync(host.Client, id);
                    var seconds = clock.Elapsed.TotalSeconds;
                    var batch = (await batches.GetAsync(host.Client, id, CancellationToken.None))!;
                    var asyncio = AsyncioGather(page, size, parallelism);
                    Console.WriteLine($"{size,8}{parallelism,13}{seconds,10:N2}{size / seconds,10:N0}{batch.Progress.Failed,8}   {asyncio,16}   {batch.Status}");
                }
            }
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>The same fetches by an asyncio <c>gather</c> at the same concurrency (Compare/asyncio_gather.py), in URLs/s; "–" without python3.</summary>
    private static string AsyncioGather(string page, int count, int concurrency) =>
        Compare.CompareScript.Run("python3", "asyncio_gather.py", $"{page}/", $"{count}", $"{concurrency}") is { ExitCode: 0, Output: var output }
            ? $"{int.Parse(output[2], System.Globalization.CultureInfo.InvariantCulture):N0}"
            : "–";

    /// <summary>
    /// Waits for the batch to finish, reading its status every 50 ms: the backend's own wait
    /// (<c>WaitForInstanceCompletionAsync</c>) polls every 2 seconds, which would round every figure up to it.
    /// </summary>
    private static async Task CompletedAsync(DurableTaskClient client, string id)
    {
        var deadline = Stopwatch.StartNew();
        while ((await client.GetInstanceAsync(id))?.IsCompleted != true)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new TimeoutException($"Batch {id} did not finish in 20 minutes.");
            }

            await Task.Delay(50);
        }
    }
}
