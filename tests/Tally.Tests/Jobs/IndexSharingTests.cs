using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// Concurrent deliveries share the index's writes: the rows that come while a write of their partition is under way go
/// together in the next, each row once. Held here by a pipeline policy that keeps the first write waiting until the test
/// lets it go.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class IndexSharingTests(Azurite azurite) : IAsyncLifetime
{
    private readonly HoldFirstWrite _storage = new();
    private static readonly DateTimeOffset RequestTime = DateTimeOffset.UtcNow;
    private readonly string[] _requests = [.. Enumerable.Range(0, 200).Select(_ => JobIds.NewKey(RequestTime)).Order(StringComparer.Ordinal)]; // one hour: one partition
    private TableClient _rows = null!;
    private JobIndex _index = null!;

    public async Task InitializeAsync()
    {
        var options = new TableClientOptions();
        options.AddPolicy(_storage, HttpPipelinePosition.PerCall);
        _index = new JobIndex(new TableServiceClient(azurite.ConnectionString, options), TimeProvider.System);
        _rows = new TableServiceClient(azurite.ConnectionString).GetTableClient(JobIndex.TableName);
        await _rows.CreateIfNotExistsAsync();
    }

    public Task DisposeAsync()
    {
        _storage.Release.TrySetResult();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RowsThatComeWhileAWriteIsUnderWay_ShareTheNextWrite_EachRowOnce_AndEveryRowLands()
    {
        var first = _index.MarkAsync([Job(0, 0, JobStatus.Queued)], default);
        await _storage.Held.Task;
        var waiting = Enumerable.Range(1, 40).Select(r => _index.MarkAsync([Job(r, 0, JobStatus.Running)], default))
            .Concat(Enumerable.Range(1, 10).Select(r => _index.MarkAsync([Job(r, 1, JobStatus.Running), Job(r, 2, JobStatus.Running)], default))) // rows already waiting
            .ToArray();
        using var leaving = new CancellationTokenSource();
        var canceled = _index.MarkAsync([Job(41, 0, JobStatus.Running)], leaving.Token);
        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled); // a caller that leaves does not wait for others
        Assert.False(first.IsCompleted);
        _storage.Release.SetResult();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal(2, _storage.Writes); // the held one, then one transaction of the 41 rows that came meanwhile (a row twice would fail it)
        Assert.Equal([$"queued-{_requests[0]}", .. Enumerable.Range(1, 41).Select(r => $"running-{_requests[r]}")], await RowsAsync());
    }

    [Fact]
    public async Task MoreRowsThanATransactionHolds_GoInWritesOfAHundred()
    {
        var first = _index.MarkAsync([Job(0, 0, JobStatus.Queued)], default);
        await _storage.Held.Task;
        var waiting = Enumerable.Range(1, 150).Select(r => _index.MarkAsync([Job(r, 0, JobStatus.Queued)], default)).ToArray();
        _storage.Release.SetResult();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal(1 + 2, _storage.Writes); // the held one, then 100 rows and 50
        Assert.Equal(151, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task StorageTroubleInASharedWrite_ReachesEveryCallerInIt()
    {
        _storage.FailAt = 2;
        var first = _index.MarkAsync([Job(0, 0, JobStatus.Queued)], default);
        await _storage.Held.Task;
        var waiting = Enumerable.Range(1, 3).Select(r => _index.MarkAsync([Job(r, 0, JobStatus.Queued)], default)).ToArray();
        _storage.Release.SetResult();
        await first;

        foreach (var write in waiting)
        {
            Assert.Equal(503, (await Assert.ThrowsAsync<RequestFailedException>(() => write)).Status); // each caller handles it, as if alone
        }

        Assert.Equal([$"queued-{_requests[0]}"], await RowsAsync());
    }

    [Fact]
    public async Task ARowWrittenAgainAfterItWasRead_IsNotRemovedAsStale()
    {
        _storage.Release.SetResult();
        await _index.MarkAsync([Job(0, 0, JobStatus.Failed)], default);
        var read = await _index.ListAsync(JobStatus.Failed, RequestTime, TimeSpan.Zero, null, null, default).SingleAsync(entry => entry.RequestKey == _requests[0]);

        await _index.MarkAsync([Job(0, 1, JobStatus.Failed)], default); // a job of the request is on its way into the status
        await _index.RemoveAsync(read, default);

        Assert.Equal([$"failed-{_requests[0]}"], await RowsAsync());
    }

    private JobEntity Job(int request, int row, JobStatus status) => new() { PartitionKey = _requests[request], RowKey = JobIds.Row(row), JobStatus = status };

    /// <summary>This test's rows, by key.</summary>
    private async Task<List<string>> RowsAsync()
    {
        var mine = _requests.ToHashSet();
        var rows = new List<string>();
        await foreach (var row in _rows.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            if (mine.Contains(row.RowKey[(row.RowKey.IndexOf('-') + 1)..]))
            {
                rows.Add(row.RowKey);
            }
        }

        return [.. rows.Order(StringComparer.Ordinal)];
    }

    /// <summary>Keeps the first index write from reaching storage until <see cref="Release"/>; fails the <see cref="FailAt"/>-th with 503.</summary>
    private sealed class HoldFirstWrite : HttpPipelinePolicy
    {
        private int _writes;

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int FailAt { get; set; }

        public int Writes => Volatile.Read(ref _writes);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var path = message.Request.Uri.Path;
            if (path.EndsWith("/$batch", StringComparison.Ordinal) || path.Contains($"/{JobIndex.TableName}(", StringComparison.Ordinal))
            {
                var n = Interlocked.Increment(ref _writes);
                if (n == 1)
                {
                    Held.SetResult();
                    await Release.Task;
                }

                if (n == FailAt)
                {
                    throw new RequestFailedException(503, "Injected storage failure.", "ServerBusy", null);
                }
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
