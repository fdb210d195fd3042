using System.Text.Json;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tally.Tests.Infrastructure;

/// <summary>The Durable settings the Functions host reads from <c>host.json</c> (<c>extensions.durableTask</c>).</summary>
public sealed record HostDurableSettings(int PartitionCount, TimeSpan MaxQueuePollingInterval, int MaxConcurrentActivities, int MaxConcurrentOrchestrations, bool ExtendedSessions)
{
    /// <summary>The settings in the repository's own host.json.</summary>
    public static HostDurableSettings FromHostJson()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")));
        var durable = json.RootElement.GetProperty("extensions").GetProperty("durableTask");
        var storage = durable.GetProperty("storageProvider");
        return new HostDurableSettings(
            storage.GetProperty("partitionCount").GetInt32(),
            TimeSpan.Parse(storage.GetProperty("maxQueuePollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            durable.GetProperty("maxConcurrentActivityFunctions").GetInt32(),
            durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32(),
            durable.GetProperty("extendedSessionsEnabled").GetBoolean());
    }
}

/// <summary>
/// What the Functions host does for an isolated app's Durable functions, on Azurite: the Durable Task Framework's
/// Azure Storage backend (queues, tables and blobs of a task hub) behind the same gRPC sidecar the host exposes to
/// the worker, with the concurrency of the app's host.json. The app's orchestrator and activities run in a worker
/// connected to it, as in the Functions worker. Unlike <see cref="DurableTaskTestHost.StartAsync"/>'s in-memory
/// backend, every history, checkpoint and message goes through storage, so its speed and its purge are real.
/// </summary>
public static class AzureStorageDurableHost
{
    /// <param name="connectionString">Azurite's connection string.</param>
    /// <param name="taskHub">The task hub's name (letters and digits, 3–45), one per test so hubs never meet.</param>
    /// <param name="registry">The orchestrators and activities.</param>
    /// <param name="settings">The host's Durable settings; host.json's when null.</param>
    public static async Task<DurableTaskTestHost> StartAsync(
        string connectionString, string taskHub, Action<DurableTaskRegistry> registry, HostDurableSettings? settings = null)
    {
        settings ??= HostDurableSettings.FromHostJson();
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = taskHub,
            PartitionCount = settings.PartitionCount,
            MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
            MaxConcurrentTaskActivityWorkItems = settings.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = settings.MaxConcurrentOrchestrations,
            ExtendedSessionsEnabled = settings.ExtendedSessions,
        });
        await service.CreateIfNotExistsAsync();

        var address = $"http://127.0.0.1:{Ports.Free()}";
        var sidecar = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHostDefaults(web =>
            {
                web.UseUrls(address);
                web.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
                web.ConfigureServices(services =>
                {
                    services.AddGrpc();
                    services.AddSingleton<IOrchestrationService>(service);
                    services.AddSingleton<IOrchestrationServiceClient>(service);
                    services.AddSingleton<TaskHubGrpcServer>();
                });
                web.Configure(app =>
                {
                    app.UseRouting();
                    app.UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>());
                });
            })
            .Build();
        await sidecar.StartAsync();

        var channel = GrpcChannel.ForAddress(address);
        var worker = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services =>
            {
                services.AddDurableTaskWorker(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.AddTasks(registry);
                    builder.Configure(options =>
                    {
                        options.Concurrency.MaximumConcurrentActivityWorkItems = settings.MaxConcurrentActivities;
                        options.Concurrency.MaximumConcurrentOrchestrationWorkItems = settings.MaxConcurrentOrchestrations;
                    });
                });
                services.AddDurableTaskClient(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.RegisterDirectly();
                });
            })
            .Build();
        await worker.StartAsync();
        return new DurableTaskTestHost(sidecar, worker, channel, worker.Services.GetRequiredService<DurableTaskClient>());
    }
}
