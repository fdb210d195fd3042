using System.Text.Json;
using Azure.Data.Tables;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>
/// Batches on the Durable backend the Functions host runs, the Azure Storage provider over Azurite (see
/// <see cref="AzureStorageDurableHost"/>): a batch completes, and the purge removes its history rows and its blobs.
/// </summary>
public sealed class AzureStorageBackendTests(BatchFixture fixture) : IClassFixture<BatchFixture>, IAsyncLifetime
{
    private readonly string _hub = $"tally{Guid.NewGuid():N}"[..20];
    private BatchApp _app = null!;

    public async Task InitializeAsync() => _app = await BatchApp.StartAsync(fixture.Azurite.ConnectionString, azureStorageBackend: true, taskHub: _hub);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Batch_Completes_AndThePurgeRemovesItsHistoryAndBlobs()
    {
        var urls = Enumerable.Range(1, 40).Select(i => fixture.Origin.Page(string.Join(' ', Enumerable.Repeat("w", i)))).ToArray();
        var id = (await _app.StartAsync(JsonSerializer.Serialize(new { urls = urls.Select(u => u.AbsoluteUri), maxParallelism = 8 }))).Text("id");
        var batch = await _app.CompletedAsync(id);
        var history = new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient($"{_hub}History");
        var rowsBefore = await history.QueryAsync<TableEntity>(e => e.PartitionKey == id).CountAsync();

        _app.Clock.Advance(TimeSpan.FromDays(2));
        var purged = await _app.Batches.PurgeFinishedAsync(_app.Client, default);
        var rowsAfter = await history.QueryAsync<TableEntity>(e => e.PartitionKey == id).CountAsync();
        var blobs = await new Azure.Storage.Blobs.BlobContainerClient(fixture.Azurite.ConnectionString, Tally.Batches.BatchStore.ContainerName)
            .GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{id}/" }).CountAsync();

        Assert.Equal("completed", batch.Text("status"));
        Assert.Equal(40 * 41 / 2, batch.Body.GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.True(rowsBefore > 0, "the history was in the task hub's table");
        Assert.Equal(1, purged);
        Assert.Equal(0, rowsAfter);
        Assert.Equal(0, blobs);
        Assert.Equal(404, (await _app.GetAsync(id)).Status);
    }
}
