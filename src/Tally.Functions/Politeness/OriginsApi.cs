using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Tally.Politeness;

namespace Tally.Functions.Politeness;

/// <summary><c>GET /api/origins</c>: the origins with work in flight or paused, with their current limits.</summary>
public sealed class OriginsApi(OriginLimiter limiter)
{
    /// <summary>The most origins one answer lists: one page of the origins table.</summary>
    private const int MaxOrigins = 1000;

    /// <summary>Lists the origins with work in flight or paused, across every instance.</summary>
    [Function(nameof(ListOrigins))]
    public async Task<IActionResult> ListOrigins(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "origins")] HttpRequest request, CancellationToken cancellationToken) =>
        new OkObjectResult(new OriginList(await limiter.ListAsync(MaxOrigins, cancellationToken).ConfigureAwait(false)));

    /// <summary>The answer: <c>{"origins": [{"origin", "inFlight", "limit", "pausedUntil", "reason"}]}</c>.</summary>
    public sealed record OriginList(IReadOnlyList<OriginState> Origins);
}
