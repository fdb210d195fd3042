using System.Globalization;
using System.Runtime.CompilerServices;

namespace Tally.Client;

public sealed partial class TallyClient
{
    /// <summary>Starts a fan-out over many URLs (<c>POST /api/batches</c>).</summary>
    /// <param name="urls">The URLs.</param>
    /// <param name="maxParallelism">The most fetches in flight at once; null for the app's default.</param>
    /// <param name="idempotencyKey">A key of the caller's: a repeated request with it answers as the first did and starts nothing more.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TallyException">A URL cannot be fetched, or too many (400).</exception>
    public Task<BatchAccepted> StartBatchAsync(IReadOnlyList<string> urls, int? maxParallelism = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<BatchAccepted>(HttpMethod.Post, "api/batches", new { urls, maxParallelism }, idempotencyKey, cancellationToken);

    /// <summary>A batch's status, progress and, once completed, result (<c>GET /api/batches/{id}</c>).</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TallyException">No such batch (404).</exception>
    public Task<Batch> GetBatchAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<Batch>(HttpMethod.Get, $"api/batches/{Uri.EscapeDataString(id)}", null, null, cancellationToken);

    /// <summary>Terminates a running batch (<c>DELETE /api/batches/{id}</c>).</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TallyException">No such batch (404), or it has finished (409).</exception>
    public Task<BatchAccepted> TerminateBatchAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<BatchAccepted>(HttpMethod.Delete, $"api/batches/{Uri.EscapeDataString(id)}", null, null, cancellationToken);

    /// <summary>Recent batches, newest first, in <paramref name="status"/> or any (<c>GET /api/batches</c>), every page.</summary>
    /// <param name="status">pending, running, completed, failed or terminated; null for all.</param>
    /// <param name="pageSize">The most batches a page asks for; null for the app's default.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public IAsyncEnumerable<BatchSummary> ListBatchesAsync(string? status = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        PagesAsync<BatchSummary>($"api/batches?{Query(("status", status), ("limit", pageSize?.ToString(CultureInfo.InvariantCulture)))}", page => page.Batches, cancellationToken);

    /// <summary>Every per-page result of a completed batch, in the order of its URLs (<c>GET /api/batches/{id}/pages</c>), <paramref name="pageSize"/> a call.</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="pageSize">Results a call (1 to 1,000).</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <exception cref="TallyException">No such batch (404).</exception>
    public async IAsyncEnumerable<PageResult> GetBatchPagesAsync(string id, int pageSize = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var offset = 0; ;)
        {
            var slice = await SendAsync<BatchPages>(HttpMethod.Get, $"api/batches/{Uri.EscapeDataString(id)}/pages?offset={offset}&limit={pageSize}", null, null, cancellationToken).ConfigureAwait(false);
            foreach (var page in slice.Pages)
            {
                yield return page;
            }

            offset += slice.Pages.Count;
            if (slice.Pages.Count == 0 || offset >= slice.Total)
            {
                yield break;
            }
        }
    }

    private sealed record BatchPages(string Id, string Status, int Total, int Offset, IReadOnlyList<PageResult> Pages);
}
