using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Tally.Batches;
using Tally.Callbacks;
using Tally.Fetching;
using Tally.Functions.Http;

namespace Tally.Functions.Batches;

/// <summary>The <c>/api/batches</c> routes: each binds its request and the Durable client, and hands them to <see cref="BatchService"/>.</summary>
public sealed class BatchesApi(BatchService batches, IdempotentBatchStart once, IOptionsMonitor<FetchOptions> fetch, IOptionsMonitor<BatchesOptions> options, IOptionsMonitor<CallbacksOptions> callbacks)
{
    /// <summary><c>POST /api/batches</c>: start a fan-out over many URLs.</summary>
    [Function(nameof(StartBatch))]
    public async Task<IActionResult> StartBatch(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var (list, problem) = await UrlListRequest.Batch(settings.MaxUrls, settings.MaxParallelism).ReadAsync(request, fetch.CurrentValue, callbacks.CurrentValue, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!IdempotencyHeader.TryRead(request, "POST /api/batches", list!.Fingerprint, out var key, out var keyProblem))
        {
            return keyProblem!;
        }

        var callbackUrl = list.Callback?.Url;
        return key is null
            ? Started(await batches.StartAsync(client, list.Urls, list.MaxParallelism, null, cancellationToken, callbackUrl), callbackUrl)
            : IdempotencyHeader.Answer(await once.StartAsync(key, client, list.Urls, list.MaxParallelism, callbackUrl, cancellationToken), key, id => Started(id, callbackUrl));
    }

    private static IActionResult Started(string id, Uri? callbackUrl) => new AcceptedResult(
        Batch.StatusPath(id), new StartedBatch(id, BatchStatus.Pending.ToName(), Batch.StatusPath(id), callbackUrl is null ? null : CallbackState.Pending(callbackUrl.AbsoluteUri)));

    /// <summary><c>GET /api/batches/{id}</c>: status, progress, and the gathered result once completed.</summary>
    [Function(nameof(GetBatch))]
    public async Task<IActionResult> GetBatch(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken) =>
        await batches.GetAsync(client, id, cancellationToken) is { } batch ? new OkObjectResult(batch) : UnknownBatch(id);

    /// <summary><c>GET /api/batches/{id}/pages?offset=0&amp;limit=100</c>: a batch's per-page results, a slice at a time.</summary>
    [Function(nameof(GetBatchPages))]
    public async Task<IActionResult> GetBatchPages(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{id}/pages")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!QueryNumber.TryRead(request, "offset", 0, 0, int.MaxValue, out var offset, out var problem)
            || !QueryNumber.TryRead(request, "limit", settings.PageResults, 1, settings.MaxPageResults, out var limit, out problem))
        {
            return problem!;
        }

        return await batches.GetPagesAsync(client, id, offset, limit, cancellationToken) is { } pages ? new OkObjectResult(pages) : UnknownBatch(id);
    }

    /// <summary><c>GET /api/batches?status=running&amp;limit=20&amp;continuation=…</c>: recent batches, newest first, a page at a time.</summary>
    [Function(nameof(ListBatches))]
    public async Task<IActionResult> ListBatches(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        string? name = request.Query["status"];
        BatchStatus? status = null;
        if (name is not null)
        {
            if (!BatchStatusNames.TryParse(name, out var parsed))
            {
                return Problems.BadRequest($"Give ?status= one of {string.Join(", ", BatchStatusNames.All)}, or none for all; '{name}' is not one of them.");
            }

            status = parsed;
        }

        var settings = options.CurrentValue;
        if (!PageQuery.TryRead(request, settings.ListSize, settings.MaxListSize, out var limit, out var continuation, out var problem))
        {
            return problem!;
        }

        var (page, next) = await batches.ListAsync(client, status, limit, continuation, cancellationToken);
        return new OkObjectResult(new BatchList(page, next));
    }

    /// <summary><c>DELETE /api/batches/{id}</c>: terminate a running batch.</summary>
    [Function(nameof(TerminateBatch))]
    public async Task<IActionResult> TerminateBatch(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "batches/{id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken) =>
        await batches.TerminateAsync(client, id, cancellationToken) switch
        {
            BatchChange.Changed => new AcceptedResult(Batch.StatusPath(id), new { id, status = "terminating", statusUrl = Batch.StatusPath(id) }),
            BatchChange.Conflict => Problems.Conflict($"Batch '{id}' has already finished; only a pending or running batch can be terminated."),
            _ => UnknownBatch(id),
        };

    private static ObjectResult UnknownBatch(string id) =>
        Problems.NotFound($"There is no batch '{id}'. Finished batches are purged after the result TTL, so it may have expired.");
}

/// <summary>A batch just started, as <c>POST /api/batches</c> answers it.</summary>
/// <param name="Id">The batch.</param>
/// <param name="Status"><c>pending</c>.</param>
/// <param name="StatusUrl">Where its state is read.</param>
/// <param name="Callback">Its end's call, pending, when it has a <c>callbackUrl</c>.</param>
public sealed record StartedBatch(
    string Id,
    string Status,
    string StatusUrl,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] CallbackState? Callback);

/// <summary>A page of batches.</summary>
/// <param name="Batches">The batches, newest first: status and times; each one's progress and result are at its <c>statusUrl</c>.</param>
/// <param name="Continuation">The token of the next page (absent on the last one).</param>
public sealed record BatchList(
    IReadOnlyList<BatchSummary> Batches,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Continuation);
