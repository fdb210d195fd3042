using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tally.Batches;
using Tally.Hosting;

namespace Tally.Benchmarks;

/// <summary>
/// URLs per second for a 1,000-URL batch on the in-process Durable test host (the same orchestration
/// and activity code the app runs), against a small-page origin on 127.0.0.1. This measures the
/// orchestration's own overhead on that backend, not Azure Storage or the Durable Task Scheduler.
/// </summary>
internal static class BatchThroughput
{
    public static async Task RunAsync()
    {
        await using var origin = await LocalOrigin.StartAsync(context =>
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync("a small page of seven words here");
        });
        var page = origin.Address.AbsoluteUri.TrimEnd('/');
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Tally:Fetch:AllowPrivateNetworks"] = "true",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddTallyCore(configuration).BuildServiceProvider();
        var pages = services.GetRequiredService<BatchPageCounter>();
        await using var host = await DurableTaskTestHost.StartAsync(
            registry => registry
                .AddOrchestratorFunc<BatchRequest, BatchResult>(BatchService.OrchestratorName, (context, request) =>
                    BatchOrchestration.RunAsync(context, request, BatchService.OrchestratorName, BatchService.ActivityName))
                .AddActivityFunc<string, PageResult>(BatchService.ActivityName, (_, url) => pages.CountAsync(url, CancellationToken.None)),
            new DurableTaskTestHostOptions { Port = LocalOrigin.FreePort() });

        Console.WriteLine($"in-process Durable test host, {Environment.ProcessorCount} cores; origin {page}");
        Console.WriteLine($"{"urls",8}{"maxParallelism",16}{"seconds",10}{"urls/s",10}{"words",10}");
        foreach (var parallelism in new[] { 1, 16 })
        {
            var urls = Enumerable.Range(0, 1000).Select(i => $"{page}/?n={i}").ToArray();
            var clock = Stopwatch.StartNew();
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(BatchService.OrchestratorName, new BatchRequest(urls, parallelism, new BatchRetry(4, 100)));
            var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
            var seconds = clock.Elapsed.TotalSeconds;
            var result = done.ReadOutputAs<BatchResult>()!;
            Console.WriteLine($"{urls.Length,8}{parallelism,16}{seconds,10:N2}{urls.Length / seconds,10:N0}{result.TotalWords,10:N0}");
        }
    }
}
