using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Tally.Batches;
using Tally.Callbacks;
using Tally.Functions.Hosting;
using Tally.Functions.Http;
using Tally.Idempotency;
using Tally.Jobs;
using Tally.Politeness;

namespace Tally.Functions.Maintenance;

/// <summary>Housekeeping: purging expired results, and the health probe.</summary>
public sealed class Maintenance(
    JobPurger purger, JobThroughput throughput, BatchService batches, IdempotencyStore idempotency, DeliveryPurger deliveries, ValidatorPurger validators, TimeProvider time, StorageHealth health)
{
    /// <summary>Every 30 minutes (and once at start-up if a run was missed): delete expired jobs.</summary>
    public const string PurgeSchedule = "0 */30 * * * *";

    /// <summary>Deletes expired job records, throughput minutes past their retention, the histories of batches that finished before the result TTL, idempotency keys past it, deliveries final for longer than it, and expired validators.</summary>
    [Function(nameof(PurgeExpired))]
    public async Task PurgeExpired(
        [TimerTrigger(PurgeSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        await purger.PurgeExpiredAsync(cancellationToken);
        await throughput.PurgeAsync(cancellationToken);
        await batches.PurgeFinishedAsync(client, cancellationToken);
        await idempotency.PurgeExpiredAsync(time.GetUtcNow(), cancellationToken);
        await deliveries.PurgeAsync(cancellationToken);
        await validators.PurgeAsync(cancellationToken);
    }

    /// <summary><c>GET /api/health</c>: 200 when storage answers, 503 when not.</summary>
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken) =>
        await health.CheckAsync(cancellationToken) is { } failure
            ? StorageTroubleAnswer.Problem(failure)
            : new OkObjectResult(new { status = "healthy" });
}
