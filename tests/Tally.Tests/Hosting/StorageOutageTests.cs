using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Tally.Functions.Batches;
using Tally.Functions.Http;
using Tally.Hosting;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Hosting;

/// <summary>
/// Storage that hangs (connections accepted, never answered) must not hold a request: every route answers
/// 503 problem+json with Retry-After, within the storage clients' budget, and never a 500.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    /// <summary>The bound the issue sets; the clients' budget (two calls of two tries of 2 s) stays under it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly HungStorage _storage = HungStorage.Start();
    private TallyApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new TallyApp(_storage.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _storage.DisposeAsync();
    }

    public static TheoryData<string> JobRoutes => ["POST /api/jobs", "GET /api/jobs/{id}", "GET /api/jobs?status=failed", "POST /api/jobs/{id}/retry", "DELETE /api/jobs/{id}", "GET /api/health"];

    [Theory]
    [MemberData(nameof(JobRoutes))]
    public async Task JobsRoute_WhenStorageHangs_Answers503WithRetryAfter(string route)
    {
        const string id = "0000000000000000000000000000abcd";
        var call = route switch
        {
            "POST /api/jobs" => _app.Api.EnqueueJobs(TallyApp.Request("POST", """{"url": "https://example.com/"}"""), default),
            "GET /api/jobs/{id}" => _app.Api.GetJob(TallyApp.Request("GET"), id, default),
            "GET /api/jobs?status=failed" => _app.Api.ListJobs(TallyApp.Request("GET", query: "?status=failed"), default),
            "POST /api/jobs/{id}/retry" => _app.Api.RetryJob(TallyApp.Request("POST"), id, default),
            "DELETE /api/jobs/{id}" => _app.Api.CancelJob(TallyApp.Request("DELETE"), id, default),
            _ => _app.Maintenance.Health(TallyApp.Request("GET"), default),
        };

        var response = await _app.ExecuteAsync(call).WaitAsync(Bound);

        AssertStorageTrouble(response);
    }

    public static TheoryData<string> BatchRoutes => ["POST /api/batches", "GET /api/batches/{id}", "DELETE /api/batches/{id}", "GET /api/batches"];

    [Theory]
    [MemberData(nameof(BatchRoutes))]
    public async Task BatchesRoute_WhenTheTaskHubHangs_Answers503WithRetryAfter(string route)
    {
        const string id = "b0000000000000000000000000000";
        var api = _app.Get<BatchesApi>();
        var client = new HungDurableClient();
        var call = route switch
        {
            "POST /api/batches" => api.StartBatch(TallyApp.Request("POST", """{"urls": ["https://example.com/"]}"""), client, default),
            "GET /api/batches/{id}" => api.GetBatch(TallyApp.Request("GET"), client, id, default),
            "GET /api/batches" => api.ListBatches(TallyApp.Request("GET", query: "?status=running"), client, default),
            _ => api.TerminateBatch(TallyApp.Request("DELETE"), client, id, default),
        };

        var response = await _app.ExecuteAsync(call).WaitAsync(Bound);

        AssertStorageTrouble(response);
    }

    [Fact]
    public async Task TheTryTimeoutSetting_ReachesTheQueueTableAndBlobClients()
    {
        await using var app = new TallyApp(_storage.ConnectionString, new Dictionary<string, string?> { ["Tally:Storage:TryTimeout"] = "00:00:00.300" });
        Func<Task>[] calls =
        [
            () => app.Get<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient("q").ExistsAsync(),
            () => app.Get<Azure.Data.Tables.TableServiceClient>().GetTableClient("t").CreateIfNotExistsAsync(),
            () => app.Get<Azure.Storage.Blobs.BlobServiceClient>().GetBlobContainerClient("b").ExistsAsync(),
        ];

        var failures = await Task.WhenAll(calls.Select(call => Assert.ThrowsAnyAsync<Exception>(call)));

        // The SDK names the try timeout it was given when a try runs out of it.
        Assert.All(failures, failure => Assert.Contains("configured timeout of 0:00:00.3", failure.ToString()));
    }

    [Theory]
    [InlineData(typeof(Azure.RequestFailedException), true)]
    [InlineData(typeof(TimeoutException), true)]
    [InlineData(typeof(HttpRequestException), true)]
    [InlineData(typeof(IOException), true)]
    [InlineData(typeof(InvalidOperationException), false)]
    [InlineData(typeof(ArgumentException), false)]
    [InlineData(typeof(OperationCanceledException), false)] // the caller left: not storage's fault
    public void StorageTrouble_IsToldApartFromOtherFailures(Type type, bool trouble)
    {
        var exception = type == typeof(Azure.RequestFailedException) ? new Azure.RequestFailedException(503, "busy") : (Exception)Activator.CreateInstance(type)!;

        Assert.Equal(trouble, StorageTrouble.Is(exception));
        Assert.Equal(trouble, StorageTrouble.Is(new AggregateException(exception, new TimeoutException())));
    }

    private static void AssertStorageTrouble(ApiResponse response)
    {
        Assert.Equal(503, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("5", response.RetryAfter);
        Assert.DoesNotContain(" at ", response.Text("detail")); // no stack trace
    }

    /// <summary>A Durable client whose task hub never answers, as when the host's task hub storage hangs.</summary>
    private sealed class HungDurableClient() : DurableTaskClient("hung")
    {
        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => Hang<string>(cancellation);

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => Hang<bool>(cancellation);

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => Hang<OrchestrationMetadata>(cancellation);

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => Hang<OrchestrationMetadata>(cancellation);

        public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => Hang<bool>(cancellation);

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => Hang<bool>(cancellation);

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => Hang<bool>(cancellation);

        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => Hang<OrchestrationMetadata?>(cancellation);

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
            Pageable.Create<OrchestrationMetadata>(async (continuation, size, cancellation) => await Hang<Page<OrchestrationMetadata>>(cancellation));

        public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => Hang<PurgeResult>(cancellation);

        public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => Hang<PurgeResult>(cancellation);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static async Task<T> Hang<T>(CancellationToken cancellation)
        {
            await Task.Delay(Timeout.Infinite, cancellation);
            throw new InvalidOperationException("unreachable");
        }
    }
}
