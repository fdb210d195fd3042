using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// Concurrent deliveries share the index's transactions: the writes that come while one of a partition is under way go
/// together in the next. Held here by a pipeline policy that keeps the first transaction waiting until the test lets it go.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class IndexSharingTests(Azurite azurite) : IAsyncLifetime
{
    private readonly HoldFirstTransaction _storage = new();
    private readonly string _key = JobIds.NewKey(DateTimeOffset.UtcNow);
    private TableClient _rows = null!;
    private JobIndex _index = null!;

    public async Task InitializeAsync()
    {
        var options = new TableClientOptions();
        options.AddPolicy(_storage, HttpPipelinePosition.PerCall);
        _index = new JobIndex(new TableServiceClient(azurite.ConnectionString, options));
        _rows = new TableServiceClient(azurite.ConnectionString).GetTableClient(JobIndex.TableName);
        await _rows.CreateIfNotExistsAsync();
    }

    public Task DisposeAsync()
    {
        _storage.Release.TrySetResult();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task WritesThatComeWhileOneIsUnderWay_ShareTheNextTransaction_AndEveryRowLands()
    {
        var first = _index.AddAsync([Job(0, JobStatus.Queued)], default);
        await _storage.Held.Task;
        var waiting = Enumerable.Range(1, 40).Select(i => _index.AddAsync([Job(i, JobStatus.Queued)], default)).ToArray();
        using var leaving = new CancellationTokenSource();
        var canceled = _index.AddAsync([Job(41, JobStatus.Queued)], leaving.Token);
        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled); // a caller that leaves does not wait for others
        Assert.False(first.IsCompleted);
        _storage.Release.SetResult();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal(2, _storage.Transactions); // the held one, then one for the 41 rows that came meanwhile
        Assert.Equal(Enumerable.Range(0, 41).Select(i => $"queued-{Id(i)}"), (await RowsAsync()).Take(41));
    }

    [Fact]
    public async Task ASharedTransactionThatFailsOnOneRow_IsWrittenAgain_WriteByWrite()
    {
        var first = _index.AddAsync([Job(0, JobStatus.Queued)], default);
        await _storage.Held.Task;
        var gone = _index.RemoveAsync([(Job(1, JobStatus.Succeeded), JobStatus.Running)], default); // no such row: its delete fails the transaction
        var added = Enumerable.Range(2, 3).Select(i => _index.AddAsync([Job(i, JobStatus.Running)], default)).ToArray();
        _storage.Release.SetResult();
        await Task.WhenAll(added.Append(gone).Append(first));

        // The held one, the shared one that failed, then each write alone: three adds and the removal (which, finding
        // its row gone, deletes row by row, not by transaction).
        Assert.Equal(1 + 1 + 3 + 1, _storage.Transactions);
        Assert.Equal([$"queued-{Id(0)}", $"running-{Id(2)}", $"running-{Id(3)}", $"running-{Id(4)}"], await RowsAsync());
    }

    [Fact]
    public async Task WritesOfOneRow_KeepTheirOrder()
    {
        var first = _index.AddAsync([Job(0, JobStatus.Queued)], default);
        await _storage.Held.Task;
        Task[] writes =
        [
            _index.AddAsync([Job(1, JobStatus.Running)], default),
            _index.RemoveAsync([(Job(1, JobStatus.Succeeded), JobStatus.Running)], default), // after the add: the row goes
            _index.RemoveAsync([(Job(2, JobStatus.Succeeded), JobStatus.Running)], default),
            _index.AddAsync([Job(2, JobStatus.Running)], default),                            // after the removal: the row stays
        ];
        _storage.Release.SetResult();
        await Task.WhenAll(writes.Append(first));

        Assert.Equal([$"queued-{Id(0)}", $"running-{Id(2)}"], await RowsAsync());
    }

    [Fact]
    public async Task StorageTroubleInASharedTransaction_ReachesEveryWriteInIt()
    {
        _storage.FailAt = 2;
        var first = _index.AddAsync([Job(0, JobStatus.Queued)], default);
        await _storage.Held.Task;
        var waiting = Enumerable.Range(1, 3).Select(i => _index.AddAsync([Job(i, JobStatus.Queued)], default)).ToArray();
        _storage.Release.SetResult();
        await first;

        foreach (var write in waiting)
        {
            Assert.Equal(503, (await Assert.ThrowsAsync<RequestFailedException>(() => write)).Status); // each caller handles it, as if alone
        }

        Assert.Equal([$"queued-{Id(0)}"], await RowsAsync());
    }

    private JobEntity Job(int i, JobStatus status) => new() { PartitionKey = _key, RowKey = JobIds.Row(i), JobStatus = status };

    private string Id(int i) => _key + JobIds.Row(i);

    /// <summary>This test's rows, by key.</summary>
    private async Task<List<string>> RowsAsync()
    {
        var rows = new List<string>();
        await foreach (var row in _rows.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            if (row.RowKey.Contains(_key, StringComparison.Ordinal))
            {
                rows.Add(row.RowKey);
            }
        }

        return [.. rows.Order(StringComparer.Ordinal)];
    }

    /// <summary>Keeps the first transaction from reaching storage until <see cref="Release"/>; fails the <see cref="FailAt"/>-th with 503.</summary>
    private sealed class HoldFirstTransaction : HttpPipelinePolicy
    {
        private int _transactions;

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int FailAt { get; set; }

        public int Transactions => Volatile.Read(ref _transactions);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal))
            {
                var n = Interlocked.Increment(ref _transactions);
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
