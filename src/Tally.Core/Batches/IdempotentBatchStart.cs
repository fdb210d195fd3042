using Microsoft.DurableTask.Client;
using Tally.Idempotency;
using Tally.Jobs;

namespace Tally.Batches;

/// <summary><c>POST /api/batches</c> with an <c>Idempotency-Key</c>: the batch is started once, under the id its first try chose.</summary>
public sealed class IdempotentBatchStart(BatchService batches, IdempotentCreation creation)
{
    /// <summary>Starts a batch of <paramref name="urls"/> once for <paramref name="key"/>, calling <paramref name="callbackUrl"/> when it ends; a retry gets the first batch's id.</summary>
    public Task<Idempotent<string>> StartAsync(
        IdempotencyKey key, DurableTaskClient client, IReadOnlyList<Uri> urls, int? maxParallelism, Uri? callbackUrl, CancellationToken cancellationToken) =>
        creation.RunAsync<string>(
            key,
            now => (JobIds.NewKey(now), null), // the batch's request key: its id is BatchService.IdOf(key)
            async (held, ct) => await batches.ExistsAsync(client, BatchService.IdOf(held.ResourceId), ct).ConfigureAwait(false) ? BatchService.IdOf(held.ResourceId) : null,
            (held, ct) => batches.StartAsync(client, urls, maxParallelism, held.ResourceId, ct, callbackUrl),
            cancellationToken);
}
