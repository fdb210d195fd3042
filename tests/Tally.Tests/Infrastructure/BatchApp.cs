using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tally.Batches;
using Tally.Functions.Batches;
using Tally.Hosting;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// The app's services and batch functions on <see cref="DurableTaskTestHost"/>, which replays
/// orchestrations for real: the very orchestrator and activity methods the app exposes are
/// registered under their function names. Retries wait 50 ms rather than seconds.
/// </summary>
public sealed class BatchApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private DurableTaskTestHost? _host;

    private BatchApp(ServiceProvider services, FakeTimeProvider clock, IConfigurationRoot configuration) =>
        (_services, Clock, Configuration) = (services, clock, configuration);

    public FakeTimeProvider Clock { get; }

    /// <summary>The app's settings; set one and <c>Reload()</c> to change it under running batches.</summary>
    public IConfigurationRoot Configuration { get; }

    public DurableTaskClient Client => _host!.Client;

    public BatchesApi Api => _services.GetRequiredService<BatchesApi>();

    public BatchService Batches => _services.GetRequiredService<BatchService>();

    public BatchStore Store => _services.GetRequiredService<BatchStore>();

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Fails the app's blob calls on purpose.</summary>
    public StorageFaults Faults { get; private init; } = new();

    /// <param name="storage">Azurite's connection string: the batches' blobs, and with <paramref name="azureStorageBackend"/> the task hub.</param>
    /// <param name="azureStorageBackend">Run on the Durable Azure Storage backend (as the Functions host does) rather than in memory.</param>
    /// <param name="taskHub">The task hub's name on that backend.</param>
    /// <param name="settings">Settings of the test's own, over the ones above.</param>
    public static async Task<BatchApp> StartAsync(string storage, bool azureStorageBackend = false, string taskHub = "tally", IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["Tally:Fetch:AllowPrivateNetworks"] = "true",
            ["Tally:Batches:RetryInterval"] = "00:00:00.050",
            ["Tally:Callbacks:SigningSecret"] = Receiver.Secret,
            ["Tally:Callbacks:RetryDelays"] = "00:00:00.2,00:00:00.2",
            [Azurite.TryTimeoutSetting.Key] = Azurite.TryTimeoutSetting.Value,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddTallyCore(configuration);
        services.AddMvcCore();
        Tally.Functions.Http.WholeJsonFormatter.AddTo(services); // as the app's AddTally does
        var faults = new StorageFaults();
        services.Configure<Azure.Storage.Blobs.BlobClientOptions>("Default", options => options.AddPolicy(faults, Azure.Core.HttpPipelinePosition.PerCall));
        services.AddSingleton<BatchFunctions>();
        services.AddSingleton<BatchesApi>();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        services.AddSingleton<TimeProvider>(clock);
        var app = new BatchApp(services.BuildServiceProvider(), clock, configuration) { Faults = faults };

        app._host = await StartTestHostAsync(app._services.GetRequiredService<BatchFunctions>(), azureStorageBackend ? storage : null, taskHub);
        return app;
    }

    /// <summary>
    /// Starts a host that runs the app's batch orchestrator and activities, registered under their function names:
    /// in memory, or on the Azure Storage backend over Azurite when <paramref name="azureStorage"/> is given.
    /// </summary>
    public static async Task<DurableTaskTestHost> StartTestHostAsync(BatchFunctions functions, string? azureStorage = null, string taskHub = "tally")
    {
        void Register(DurableTaskRegistry registry) => registry
            .AddOrchestratorFunc<BatchRequest, BatchResult>(nameof(BatchFunctions.RunBatch), (context, _) => functions.RunBatch(context))
            .AddActivityFunc<SliceWork, SliceSummary>(nameof(BatchFunctions.CountBatchSlice), (context, work) => functions.CountBatchSlice(work, CancellationToken.None))
            .AddActivityFunc<Tally.Callbacks.BatchEnd>(nameof(BatchFunctions.RecordBatchCallback), (context, end) => functions.RecordBatchCallback(end, CancellationToken.None));

        if (azureStorage is not null)
        {
            return await AzureStorageDurableHost.StartAsync(azureStorage, taskHub, Register);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A port the OS says is free: the host's own pick (random in 30000-40000) can collide with ephemeral ports.
                return await DurableTaskTestHost.StartAsync(Register, new DurableTaskTestHostOptions { Port = Ports.Free() });
            }
            catch (IOException) when (attempt < 3)
            {
                // Another process took the port between the check and the bind: try a new one.
            }
        }
    }

    public Task<ApiResponse> ExecuteAsync(Task<IActionResult> result) => HttpResults.ExecuteAsync(_services, result);

    public Task<ApiResponse> StartAsync(string body) => ExecuteAsync(Api.StartBatch(TallyApp.Request("POST", body), Client, default));

    public Task<ApiResponse> GetAsync(string id) => ExecuteAsync(Api.GetBatch(TallyApp.Request("GET"), Client, id, default));

    /// <summary>Waits for the batch to finish (a deadline, not a sleep), then reads it through the API.</summary>
    public async Task<ApiResponse> CompletedAsync(string id, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromMinutes(2));
        await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, deadline.Token);
        return await GetAsync(id);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _services.DisposeAsync();
    }
}
