using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Tally.Callbacks;
using Tally.Functions.Http;

namespace Tally.Functions.Callbacks;

/// <summary>The <c>/api/deliveries</c> routes: the delivery log, and redelivering a call.</summary>
public sealed class DeliveriesApi(CallbackService callbacks)
{
    /// <summary>The most deliveries one page lists.</summary>
    public const int MaxPageSize = 100;

    /// <summary><c>GET /api/deliveries?status=failed&amp;limit=50&amp;continuation=…</c>: the delivery log, newest first, a page (one storage call) at a time.</summary>
    [Function(nameof(ListDeliveries))]
    public async Task<IActionResult> ListDeliveries(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "deliveries")] HttpRequest request, CancellationToken cancellationToken)
    {
        string? status = request.Query["status"];
        if (status is not null && !DeliveryStates.All.Contains(status))
        {
            return Problems.BadRequest($"Give ?status= one of {string.Join(", ", DeliveryStates.All)}, or none for all; '{status}' is not one of them.");
        }

        if (!PageQuery.TryRead(request, 50, MaxPageSize, out var limit, out var token, out var problem))
        {
            return problem!;
        }

        return await callbacks.ListAsync(status, limit, token, cancellationToken) is var (page, next)
            ? new OkObjectResult(new DeliveryList(page, next))
            : PageQuery.NotAContinuation(token);
    }

    /// <summary><c>POST /api/deliveries/{id}/redeliver</c>: call again, under the same <c>webhook-id</c>, with a new round of retries.</summary>
    [Function(nameof(Redeliver))]
    public async Task<IActionResult> Redeliver(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "deliveries/{id}/redeliver")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (delivery, started) = await callbacks.RedeliverAsync(id, cancellationToken);
        return delivery is null ? Problems.NotFound($"There is no delivery '{id}'. Ids are listed by GET /api/deliveries.")
            : started ? new ObjectResult(delivery) { StatusCode = StatusCodes.Status202Accepted }
            : Problems.Conflict($"Delivery '{id}' is still pending: its attempts are under way. Redeliver it once it is delivered or failed.");
    }
}

/// <summary>A page of the delivery log.</summary>
/// <param name="Deliveries">The deliveries.</param>
/// <param name="Continuation">The token of the next page (absent on the last one).</param>
public sealed record DeliveryList(
    IReadOnlyList<Delivery> Deliveries,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Continuation);
