using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tally.Functions.Hosting;
using Tally.Functions.Jobs;
using Tally.Functions.Maintenance;
using Tally.Hosting;
using Tally.Jobs;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// The app's own service graph (<c>AddTallyCore</c>, as Program.cs wires it) on real Azurite, with the
/// function classes the host would invoke, a clock the tests move, and helpers that call the HTTP
/// functions and execute their results through ASP.NET Core MVC as the worker's HTTP integration does.
/// </summary>
public sealed class TallyApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public TallyApp(Azurite azurite, IDictionary<string, string?>? settings = null)
        : this(azurite.ConnectionString, new[] { Azurite.TryTimeoutSetting }.Concat(settings ?? new Dictionary<string, string?>()).ToDictionary()) // a test's own setting wins
    {
    }

    public TallyApp(string storageConnectionString, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["Tally:Fetch:AllowPrivateNetworks"] = "true",
            ["Tally:Fetch:Timeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddTallyCore(configuration);
        services.Configure<TableClientOptions>("Default", options => options.AddPolicy(Faults, Azure.Core.HttpPipelinePosition.PerCall));
        services.Configure<QueueClientOptions>("Default", options => options.AddPolicy(Faults, Azure.Core.HttpPipelinePosition.PerCall));
        services.AddMvcCore();
        Tally.Functions.Http.WholeJsonFormatter.AddTo(services); // as the app's AddTally does
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<JobsApi>();
        services.AddSingleton<JobsWorker>();
        services.AddSingleton<Maintenance>();
        services.AddSingleton<Tally.Functions.Batches.BatchesApi>();
        services.AddSingleton<Tally.Functions.Batches.BatchFunctions>();
        services.AddSingleton<Tally.Functions.Dashboard.DashboardFunctions>();
        services.AddSingleton<Tally.Functions.Schedules.SchedulesApi>();
        services.AddSingleton<Tally.Functions.Callbacks.DeliveriesApi>();
        services.AddSingleton<Tally.Functions.Callbacks.CallbacksWorker>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        Queues = _services.GetRequiredService<QueueServiceClient>();

        // The host's own queue calls are not the app's: its listener gets a client of its own, without faults.
        Host = new QueueHost(new QueueServiceClient(storageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }), Worker);
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Fails or cancels the k-th call the app makes to storage, and counts them.</summary>
    public StorageFaults Faults { get; } = new();

    public JobsApi Api => _services.GetRequiredService<JobsApi>();

    public JobsWorker Worker => _services.GetRequiredService<JobsWorker>();

    public Maintenance Maintenance => _services.GetRequiredService<Maintenance>();

    public JobRecords Records => _services.GetRequiredService<JobRecords>();

    public QueueServiceClient Queues { get; }

    public TableClient Table => _services.GetRequiredService<TableServiceClient>().GetTableClient(JobStorage.TableName);

    /// <summary>Stands in for the Functions host's queue listener.</summary>
    public QueueHost Host { get; }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The app's services, for a server that invokes its functions.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Empties the job queues, so each test sees only its own messages.</summary>
    public async Task ClearQueuesAsync()
    {
        foreach (var name in new[] { JobStorage.QueueName, JobStorage.PoisonQueueName })
        {
            var queue = Queues.GetQueueClient(name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }
    }

    /// <summary>A request to hand an HTTP function; a body is sent as <paramref name="contentType"/> (JSON unless a test says otherwise).</summary>
    public static HttpRequest Request(
        string method, string? body = null, string? query = null, string? contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.QueryString = new QueryString(query);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = contentType;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    /// <summary>Executes a function's result as the HTTP integration would, and reads the response.</summary>
    public Task<ApiResponse> ExecuteAsync(Task<IActionResult> result) => HttpResults.ExecuteAsync(_services, result);

    public Task<ApiResponse> PostJobsAsync(string body) => ExecuteAsync(Api.EnqueueJobs(Request("POST", body), default));

    public Task<ApiResponse> GetJobAsync(string id) => ExecuteAsync(Api.GetJob(Request("GET"), id, default));

    /// <summary>How many messages wait on <paramref name="queue"/>.</summary>
    public async Task<int> MessageCountAsync(string queue = JobStorage.QueueName)
    {
        var client = Queues.GetQueueClient(queue);
        return (await client.PeekMessagesAsync(32)).Value.Length;
    }

    /// <summary>How many job records the table holds.</summary>
    public async Task<int> JobCountAsync()
    {
        await Table.CreateIfNotExistsAsync();
        var count = 0;
        await foreach (var row in Table.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            count += JobIds.IsHex(row.RowKey) ? 1 : 0; // a job's row, not its request's commit
        }

        return count;
    }

    /// <summary>How many job records the API can see (dispatched ones, or of a committed request), and how many there are in all.</summary>
    public async Task<(int Visible, int All)> RecordCountsAsync()
    {
        await Table.CreateIfNotExistsAsync();
        var rows = await Table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "Dispatched"]).ToListAsync();
        var committed = rows.Where(row => !JobIds.IsHex(row.RowKey)).Select(row => row.PartitionKey).ToHashSet();
        var jobs = rows.Where(row => JobIds.IsHex(row.RowKey)).ToArray();
        return (jobs.Count(job => JobVisibility.IsDispatched(job.GetBoolean("Dispatched") == true, committed.Contains(job.PartitionKey))), jobs.Length);
    }

    public TimeSpan ResultTtl => _services.GetRequiredService<IOptions<JobsOptions>>().Value.ResultTtl;

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>An HTTP function's answer; <c>ContentType</c> is the media type without parameters.</summary>
public sealed record ApiResponse(int Status, string? ContentType, string Location, JsonElement Body, string RetryAfter = "", IReadOnlyDictionary<string, string>? Headers = null)
{
    public string Text(string property) => Body.GetProperty(property).GetString()!;

    /// <summary>A response header's value; empty when absent.</summary>
    public string Header(string name) => Headers?.GetValueOrDefault(name) ?? "";

    public override string ToString() => $"{Status} {ContentType} {Body}";
}
