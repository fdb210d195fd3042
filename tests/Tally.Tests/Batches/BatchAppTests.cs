using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>
/// A batch test class on <c>DurableTaskTestHost</c> (<see cref="BatchApp"/>, one a test), with its blobs on the batch
/// collection's Azurite, fetching from its origin on 127.0.0.1.
/// </summary>
public abstract class BatchAppTests(Azurite azurite) : IAsyncLifetime
{
    // Named as a field of the one class these tests were split from, so that each test reads as it was written.
    protected BatchApp _app = null!;

    public async Task InitializeAsync() => _app = await BatchApp.StartAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    protected static string Body(IEnumerable<Uri> urls, int maxParallelism) =>
        JsonSerializer.Serialize(new { urls = urls.Select(u => u.AbsoluteUri), maxParallelism });

    protected Task<ApiResponse> PagesAsync(string id, string query) =>
        _app.ExecuteAsync(_app.Api.GetBatchPages(TallyApp.Request("GET", query: "?" + query), _app.Client, id, default));

    protected void SetSliceSize(int size)
    {
        _app.Configuration["Tally:Batches:SliceSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _app.Configuration.Reload();
    }

    protected async Task<int> BlobCountAsync(string id)
    {
        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, Tally.Batches.BatchStore.ContainerName);
        return await container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{id}/" }).CountAsync();
    }
}
