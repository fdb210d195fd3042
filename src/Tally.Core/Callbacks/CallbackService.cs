using System.Collections.Concurrent;
using Tally.Batches;
using Tally.Jobs;

namespace Tally.Callbacks;

/// <summary>
/// Records the calls owed when work becomes final, and reads, lists and redelivers them. A delivery is created under the
/// id of its event and its first message sent after it, so recording an event twice (a crash's retry, a duplicate
/// message, a heal on read) sends it once: whatever arrives second finds the delivery taken.
/// </summary>
public sealed class CallbackService(DeliveryLog log, DeliveryQueue queue, RequestProgress requests, TimeProvider time)
{
    /// <summary>How many deliveries a listing reads at once.</summary>
    private const int ReadParallelism = 16;

    /// <summary>Records the call a final job owes, if it has a callback: its own, or its request's once every job of it is final.</summary>
    /// <remarks>
    /// Called after the write that made the job final, and again by every later delivery of the job's message (which
    /// returns until the run that finished it returns), so a crash between the two loses no call.
    /// </remarks>
    public async Task JobFinalAsync(JobEntity job, CancellationToken cancellationToken)
    {
        if (job.CallbackUrl is not { } url || !job.JobStatus.IsFinal())
        {
            return;
        }

        if (job.CallbackMode == CallbackModes.Request)
        {
            if (await requests.IsCompleteAsync(job.PartitionKey, cancellationToken).ConfigureAwait(false))
            {
                var completion = await requests.ReadAsync(job.PartitionKey, cancellationToken).ConfigureAwait(false);
                await RecordAsync(DeliveryIds.Request(job.PartitionKey), CallbackEvents.RequestCompleted, job.PartitionKey, url, completion, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var data = job.ToJob() with { Callback = null };
        await RecordAsync(DeliveryIds.Job(job.Id, job.Run), CallbackEvents.Job(job.Status), job.Id, url, data, cancellationToken, job.FinishedAt).ConfigureAwait(false);
    }

    /// <summary>Records the call a batch's end owes.</summary>
    public Task BatchEndedAsync(BatchEnd end, CancellationToken cancellationToken)
    {
        var completed = end.Status == BatchStatus.Completed.ToName();
        var batch = new Batch(
            end.BatchId,
            end.Status,
            new BatchProgress(end.Done, end.Total, end.Failed),
            JobIds.RequestTime(end.BatchId[1..]),
            end.At,
            completed ? new BatchResult(end.TotalWords, end.Done - end.Failed, end.Failed, []) : null,
            Batch.StatusPath(end.BatchId),
            end.Error)
        {
            NextPages = completed ? $"{Batch.StatusPath(end.BatchId)}/pages?offset=0&limit={BatchService.FirstPageSize}" : null,
        };
        return RecordAsync(DeliveryIds.Batch(end.BatchId), CallbackEvents.Batch(end.Status), end.BatchId, end.CallbackUrl, batch, cancellationToken, end.At);
    }

    /// <summary>
    /// The jobs as the API shows them: each with a <c>callbackUrl</c> carries its <c>callback</c>, its own delivery's
    /// state or its request's, pending until the delivery exists. A point read a delivery, in parallel; the jobs of a
    /// request-mode request share theirs, and jobs without a callback cost nothing.
    /// </summary>
    public async Task<IReadOnlyList<Job>> ShowJobsAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        var ids = jobs.Where(job => job.CallbackUrl is not null).Select(DeliveryOf).Distinct().ToArray();
        var deliveries = new ConcurrentDictionary<string, DeliveryEntity?>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (id, ct) =>
            deliveries[id] = await log.FindAsync(id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. jobs.Select(job => job.CallbackUrl is not null && deliveries[DeliveryOf(job)] is { } delivery
            ? job.ToJob() with { Callback = delivery.ToCallbackState() }
            : job.ToJob())];
    }

    /// <summary>The <c>callback</c> of a batch; pending until its delivery exists.</summary>
    public Task<CallbackState> BatchStateAsync(string batchId, string url, CancellationToken cancellationToken) =>
        StateAsync(DeliveryIds.Batch(batchId), url, cancellationToken);

    /// <summary>Whether the batch's end was recorded.</summary>
    public async Task<bool> BatchRecordedAsync(string batchId, CancellationToken cancellationToken) =>
        await log.FindAsync(DeliveryIds.Batch(batchId), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Starts a new round of attempts for a delivered or failed delivery, under the same <c>webhook-id</c>.</summary>
    public async Task<(Delivery? Delivery, bool Started)> RedeliverAsync(string id, CancellationToken cancellationToken)
    {
        int? round = null;
        var (delivery, changed) = await log.UpdateAsync(id, d => (round = DeliveryStateMachine.Redeliver(d)) is not null, null, cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            await queue.SendAsync(new DeliveryMessage(id, round!.Value, 1), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }

        return (delivery?.ToDelivery(), changed);
    }

    /// <summary>A page of the delivery log; null when the continuation is not one of this listing.</summary>
    public Task<(IReadOnlyList<Delivery> Deliveries, string? Continuation)?> ListAsync(string? state, int limit, string? continuation, CancellationToken cancellationToken) =>
        log.ListAsync(state, limit, continuation, cancellationToken);

    /// <summary>The delivery a job's callback is made by: its run's own, or its request's.</summary>
    private static string DeliveryOf(JobEntity job) =>
        job.CallbackMode == CallbackModes.Request ? DeliveryIds.Request(job.PartitionKey) : DeliveryIds.Job(job.Id, job.Run);

    private async Task<CallbackState> StateAsync(string id, string url, CancellationToken cancellationToken) =>
        (await log.FindAsync(id, cancellationToken).ConfigureAwait(false))?.ToCallbackState() ?? CallbackState.Pending(url);

    /// <summary>Creates the delivery of an event and sends its first message; if it exists, sends the message only if no attempt has been taken.</summary>
    private async Task RecordAsync<T>(
        string id, string type, string resourceId, string url, T data, CancellationToken cancellationToken, DateTimeOffset? at = null)
    {
        var now = time.GetUtcNow();
        var (partitionKey, rowKey) = DeliveryIds.Split(id)!.Value;
        var delivery = new DeliveryEntity
        {
            PartitionKey = partitionKey,
            RowKey = rowKey,
            Type = type,
            ResourceId = resourceId,
            Url = url,
            Body = CallbackEnvelope.Serialize(type, at ?? now, data),
            CreatedAt = at ?? now,
        };
        if (!await log.AddAsync(delivery, cancellationToken).ConfigureAwait(false))
        {
            // Recorded before: its first message may not have been sent (the recorder died), so send it unless an attempt
            // was taken; a duplicate of a message that was sent is dropped by the delivery's guard.
            var existing = await log.FindAsync(delivery.Id, cancellationToken).ConfigureAwait(false);
            if (existing is not { State: DeliveryStates.Pending, Attempts: 0 })
            {
                return;
            }

            delivery = existing;
        }

        await queue.SendAsync(new DeliveryMessage(delivery.Id, delivery.Round, 1), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The values of <c>callbackMode</c>.</summary>
public static class CallbackModes
{
    /// <summary>One call per job as it becomes final (the default).</summary>
    public const string Job = "job";

    /// <summary>One <c>request.completed</c> call once every job of the request is final.</summary>
    public const string Request = "request";
}
