using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Tally.Jobs;

namespace Tally.Batches;

/// <summary>
/// A batch's payloads, by reference: container <c>tally-batches</c>, under the batch id, its URLs one slice a blob
/// (<c>{id}/urls/{slice}.txt</c>, a URL a line) and each slice's per-page results (<c>{id}/pages/{slice}.json</c>).
/// The orchestration carries only the batch id and counts, so no history, replay or poll ever loads the URLs or pages.
/// </summary>
public sealed class BatchStore(BlobServiceClient blobs)
{
    /// <summary>The container.</summary>
    public const string ContainerName = "tally-batches";

    /// <summary>How many blobs are written at once when a batch starts.</summary>
    private const int WriteConcurrency = 16;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private readonly Once _created = new();

    /// <summary>Writes the URLs of batch <paramref name="id"/>, <paramref name="sliceSize"/> to a blob.</summary>
    public async Task WriteUrlsAsync(string id, IReadOnlyList<string> urls, int sliceSize, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _container.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        var slices = urls.Chunk(sliceSize).Select((slice, i) => (Index: i, Text: string.Join('\n', slice)));
        await Parallel.ForEachAsync(
            slices,
            new ParallelOptions { MaxDegreeOfParallelism = WriteConcurrency, CancellationToken = cancellationToken },
            async (slice, ct) => await UploadAsync(UrlsBlob(id, slice.Index), Encoding.UTF8.GetBytes(slice.Text), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The URLs of one slice.</summary>
    public async Task<IReadOnlyList<string>> ReadUrlsAsync(string id, int slice, CancellationToken cancellationToken)
    {
        var content = await _container.GetBlobClient(UrlsBlob(id, slice)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Writes one slice's results; writing them again (a retried activity) replaces them.</summary>
    public async Task WritePagesAsync(string id, int slice, IReadOnlyList<PageResult> pages, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _container.CreateIfNotExistsAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        await UploadAsync(PagesBlob(id, slice), JsonSerializer.SerializeToUtf8Bytes(pages, Json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The results of pages <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="limit"/>, reading only the slices they are in.</summary>
    public async Task<IReadOnlyList<PageResult>> ReadPagesAsync(string id, int sliceSize, int total, int offset, int limit, CancellationToken cancellationToken)
    {
        var end = Math.Min(total, offset + limit);
        if (offset >= end)
        {
            return [];
        }

        var slices = Enumerable.Range(offset / sliceSize, ((end - 1) / sliceSize) - (offset / sliceSize) + 1);
        var read = await Task.WhenAll(slices.Select(async slice =>
        {
            var content = await _container.GetBlobClient(PagesBlob(id, slice)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (Slice: slice, Pages: content.Value.Content.ToObjectFromJson<PageResult[]>(Json)!);
        })).ConfigureAwait(false);
        return [.. read.OrderBy(r => r.Slice).SelectMany(r => r.Pages.Select((page, i) => (Index: (r.Slice * sliceSize) + i, Page: page)))
            .Where(p => p.Index >= offset && p.Index < end).Select(p => p.Page)];
    }

    /// <summary>Deletes every blob of batch <paramref name="id"/>.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = 0;
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{id}/" }, cancellationToken).ConfigureAwait(false))
            {
                await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: nothing to delete.
        }

        return deleted;
    }

    private Task UploadAsync(string name, byte[] content, CancellationToken cancellationToken) =>
        _container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken);

    private static string UrlsBlob(string id, int slice) => $"{id}/urls/{slice:D5}.txt";

    private static string PagesBlob(string id, int slice) => $"{id}/pages/{slice:D5}.json";
}
