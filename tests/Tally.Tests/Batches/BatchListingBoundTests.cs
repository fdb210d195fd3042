using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Tally.Batches;
using Tally.Functions.Batches;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>
/// A page of <c>GET /api/batches</c> makes a bounded number of task hub queries, whatever its token and whatever the
/// task hub holds: a stand-in task hub whose every page holds only instances that are not batches (and always has a
/// next page) must not be walked to its end.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class BatchListingBoundTests(Azurite azurite) : AppTests(azurite)
{
    [Fact]
    public async Task APageOfBatches_AsksTheTaskHubAtMostFourTimes_AndGoesOnWithAToken()
    {
        var hub = new EndlessForeignInstances();

        var response = await App.ExecuteAsync(App.Get<BatchesApi>().ListBatches(TallyApp.Request("GET", query: "?limit=5&continuation=forged"), hub, default))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, response.Status);
        Assert.Empty(response.Body.GetProperty("batches").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(response.Text("continuation")));
        Assert.Equal(BatchService.ListingQueries, hub.Queries);
    }

    /// <summary>A task hub of endless instances whose ids start with "b" but are not batches, a page at a time.</summary>
    private sealed class EndlessForeignInstances() : DurableTaskClient("endless")
    {
        private int _queries;

        public int Queries => Volatile.Read(ref _queries);

        public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
            Pageable.Create((continuation, size, cancellation) =>
            {
                var page = Interlocked.Increment(ref _queries);
                var instances = Enumerable.Range(0, size ?? 10).Select(i => new OrchestrationMetadata("Other", $"b-foreign-{page}-{i}")).ToList();
                return Task.FromResult(new Page<OrchestrationMetadata>(instances, $"{page}"));
            });

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
