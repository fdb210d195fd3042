using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Tally.Callbacks;
using Tally.Fetching;
using Tally.Hosting;
using Tally.Jobs;

namespace Tally.Batches;

/// <summary>What the batches API does, on the Durable client the function binds.</summary>
public sealed class BatchService(
    BatchStore store, CallbackService callbacks, IOptionsMonitor<BatchesOptions> options, IOptionsMonitor<JobsOptions> jobs, TimeProvider time,
    TimeBudget budget, IOptionsMonitor<FetchOptions> fetch)
{
    /// <summary>The orchestrator's function name.</summary>
    public const string OrchestratorName = "RunBatch";

    /// <summary>The most queries of the task hub one page of <c>GET /api/batches</c> makes, each of at most the page's limit of instances.</summary>
    public const int ListingQueries = 4;

    /// <summary>How many results <c>GET /api/batches/{id}</c> carries; the rest are at <c>/pages</c>.</summary>
    public const int FirstPageSize = 100;

    /// <summary>
    /// Starts a batch over already-checked URLs: writes them to blobs, a slice a blob, then starts the orchestration with
    /// only their count. Under a request key derived from something that must start its batch once (a schedule's
    /// occurrence), or a new one when null. With a key the start can be repeated: a batch that exists under it is left as
    /// it is, and a failed start leaves its URL blobs for the next try.
    /// </summary>
    /// <returns>The batch id.</returns>
    /// <param name="client">The Durable client.</param>
    /// <param name="urls">The URLs, already checked.</param>
    /// <param name="maxParallelism">The parallelism asked for, if any.</param>
    /// <param name="requestKey">The key to start under, or null for a new one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="callbackUrl">Where to call when the batch ends, if anywhere.</param>
    public async Task<string> StartAsync(
        DurableTaskClient client, IReadOnlyList<Uri> urls, int? maxParallelism, string? requestKey, CancellationToken cancellationToken, Uri? callbackUrl = null)
    {
        if (requestKey is not null)
        {
            var existing = await DurableDeadline.WithinAsync(ct => client.GetInstanceAsync(IdOf(requestKey), getInputsAndOutputs: false, ct), cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing.InstanceId;
            }
        }

        var settings = options.CurrentValue;
        var parallelism = maxParallelism ?? settings.DefaultParallelism;
        var sliceSize = BatchOrchestration.SliceSizeWithin(
            settings.SliceSize > 0 ? settings.SliceSize : BatchOrchestration.SliceSizeFor(parallelism), parallelism, budget.MaxRounds(fetch.CurrentValue.Timeout));
        var request = new BatchRequest(parallelism, new BatchRetry(settings.RetryAttempts, (int)settings.RetryInterval.TotalMilliseconds), sliceSize, urls.Count, settings.SlicesPerGeneration, CallbackUrl: callbackUrl?.AbsoluteUri);
        var id = IdOf(requestKey ?? JobIds.NewKey(time.GetUtcNow()));
        await store.WriteUrlsAsync(id, [.. urls.Select(u => u.AbsoluteUri)], sliceSize, cancellationToken).ConfigureAwait(false);
        try
        {
            return await DurableDeadline.WithinAsync(ct => client.ScheduleNewOrchestrationInstanceAsync(
                OrchestratorName, request, new StartOrchestrationOptions { InstanceId = id }, ct), cancellationToken).ConfigureAwait(false);
        }
        catch when (requestKey is null)
        {
            await DeleteBlobsQuietlyAsync(id).ConfigureAwait(false); // the batch never started: nothing may refer to them
            throw;
        }
    }

    /// <summary>Whether the batch <paramref name="id"/> was started (its orchestration exists).</summary>
    public async Task<bool> ExistsAsync(DurableTaskClient client, string id, CancellationToken cancellationToken) =>
        await DurableDeadline.WithinAsync(ct => client.GetInstanceAsync(id, getInputsAndOutputs: false, ct), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>A batch's state, with the first <see cref="FirstPageSize"/> results once completed; null when there is no such batch.</summary>
    public async Task<Batch?> GetAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        if (!IsBatchId(id))
        {
            return null;
        }

        // Inputs and outputs are small: counts and totals, never a batch's URLs or pages (they are in blobs).
        var instance = await DurableDeadline.WithinAsync(ct => client.GetInstanceAsync(id, getInputsAndOutputs: true, ct), cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return null;
        }

        var request = instance.ReadInputAs<BatchRequest>();
        var total = request?.UrlCount ?? 0;
        var result = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<BatchResult>() : null;
        if (result is not null && request is { SliceSize: > 0 })
        {
            result = result with { Pages = await store.ReadPagesAsync(id, request.SliceSize, total, 0, FirstPageSize, cancellationToken).ConfigureAwait(false) };
        }

        var progress = result is not null
            ? new BatchProgress(total, total, result.Failed)
            : instance.ReadCustomStatusAs<BatchProgress>() ?? new BatchProgress(0, total, 0);
        return new Batch(id, BatchStatusNames.Of(instance.RuntimeStatus).ToName(), progress, instance.CreatedAt, instance.LastUpdatedAt, result, Batch.StatusPath(id),
            ErrorOf(instance))
        {
            NextPages = result is not null && total > FirstPageSize ? $"{Batch.StatusPath(id)}/pages?offset={FirstPageSize}&limit={FirstPageSize}" : null,
            Callback = request?.CallbackUrl is { } url ? await CallbackOfAsync(instance, url, progress, cancellationToken).ConfigureAwait(false) : null,
        };
    }

    /// <summary>
    /// A batch's callback. A terminated batch's end is recorded by the terminate request, which may die after the terminate
    /// and before the record (the orchestration, terminated, runs no more code): the first read after that records it.
    /// </summary>
    private async Task<CallbackState> CallbackOfAsync(OrchestrationMetadata instance, string url, BatchProgress progress, CancellationToken cancellationToken)
    {
        if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Terminated && !await callbacks.BatchRecordedAsync(instance.InstanceId, cancellationToken).ConfigureAwait(false))
        {
            await RecordTerminatedAsync(instance, url, progress, cancellationToken).ConfigureAwait(false);
        }

        return await callbacks.BatchStateAsync(instance.InstanceId, url, cancellationToken).ConfigureAwait(false);
    }

    private Task RecordTerminatedAsync(OrchestrationMetadata instance, string url, BatchProgress progress, CancellationToken cancellationToken) =>
        callbacks.BatchEndedAsync(
            new BatchEnd(instance.InstanceId, url, BatchStatus.Terminated.ToName(), progress.Total, progress.Done, progress.Failed, 0, TerminateReason, time.GetUtcNow()), cancellationToken);

    /// <summary>What a terminated batch's output says.</summary>
    private const string TerminateReason = "Terminated by DELETE /api/batches";

    /// <summary>Why a batch failed or was terminated, always with a reason; null while it runs or once it completed.</summary>
    private static string? ErrorOf(OrchestrationMetadata instance) => instance.RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Failed => StoredText.Bound(instance.FailureDetails?.ErrorMessage) ?? "The batch failed, and Durable Functions recorded no reason.",
        OrchestrationRuntimeStatus.Terminated => instance.ReadOutputAs<string>() is { Length: > 0 } reason ? $"The batch was terminated: {reason}." : "The batch was terminated.",
        _ => null,
    };

    /// <summary>A slice of a batch's per-page results, in the order of its URLs; null when there is no such batch.</summary>
    /// <remarks>Results exist once the batch has completed; before that the slice is empty and <see cref="BatchPages.Total"/> is the URL count.</remarks>
    public async Task<BatchPages?> GetPagesAsync(DurableTaskClient client, string id, int offset, int limit, CancellationToken cancellationToken)
    {
        var instance = IsBatchId(id)
            ? await DurableDeadline.WithinAsync(ct => client.GetInstanceAsync(id, getInputsAndOutputs: true, ct), cancellationToken).ConfigureAwait(false)
            : null;
        if (instance is null || instance.ReadInputAs<BatchRequest>() is not { } request)
        {
            return null;
        }

        IReadOnlyList<PageResult> pages = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed && request.SliceSize > 0
            ? await store.ReadPagesAsync(id, request.SliceSize, request.UrlCount, offset, limit, cancellationToken).ConfigureAwait(false)
            : [];
        return new BatchPages(id, BatchStatusNames.Of(instance.RuntimeStatus).ToName(), request.UrlCount, offset, pages);
    }

    /// <summary>Recent batches, a page at a time, optionally in one status: their status and times, never their URLs or pages.</summary>
    /// <remarks>
    /// No progress: the Durable client returns custom status only with inputs and outputs, which a listing does not
    /// fetch, so a page stays one small query. A batch's progress is read one at a time (<see cref="GetAsync"/>).
    /// </remarks>
    /// <param name="client">The Durable client.</param>
    /// <param name="status">The status to list, or null for all.</param>
    /// <param name="limit">The most batches a page holds.</param>
    /// <param name="continuation">The previous page's token, or null.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The page, newest first, and the next page's token (null on the last page).</returns>
    public async Task<(IReadOnlyList<BatchSummary> Batches, string? Continuation)> ListAsync(
        DurableTaskClient client, BatchStatus? status, int limit, string? continuation, CancellationToken cancellationToken)
    {
        var statuses = status is null ? null : new[] { status.Value.ToRuntime() };
        return await DurableDeadline.WithinAsync(
            async ct =>
            {
                // Instances that are not batches (the sub-orchestrations, {id}-0000…, of batches from before slices) share
                // the prefix and are left out, so a page of the query can hold
                // fewer batches than asked: ask again for only what is missing, so the page never passes the limit,
                // and at most ListingQueries times, so no token and no task hub makes a page walk it all.
                var batches = new List<BatchSummary>();
                var queries = 0;
                do
                {
                    queries++;
                    var wanted = limit - batches.Count;
                    var query = new OrchestrationQuery
                    {
                        InstanceIdPrefix = "b", Statuses = statuses, PageSize = wanted, FetchInputsAndOutputs = false, ContinuationToken = continuation,
                    };
                    var page = await client.GetAllInstancesAsync(query).AsPages(continuation, wanted).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                    batches.AddRange(page?.Values.Where(i => IsBatchId(i.InstanceId)).Select(Summary) ?? []);
                    continuation = string.IsNullOrEmpty(page?.ContinuationToken) ? null : page.ContinuationToken;
                }
                while (continuation is not null && batches.Count < limit && queries < ListingQueries);

                return ((IReadOnlyList<BatchSummary>)[.. batches.OrderBy(b => b.Id, StringComparer.Ordinal)], continuation);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static BatchSummary Summary(OrchestrationMetadata instance) => new(
        instance.InstanceId,
        BatchStatusNames.Of(instance.RuntimeStatus).ToName(),
        instance.CreatedAt,
        instance.LastUpdatedAt,
        Batch.StatusPath(instance.InstanceId));

    /// <summary>Terminates a running batch, and records the call its end owes, if it has a callback.</summary>
    /// <remarks>A terminated orchestration runs no more code, so the call is recorded here, after the terminate; if this dies between the two, the next read of the batch records it.</remarks>
    public async Task<BatchChange> TerminateAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        // Inputs are small (counts and the callback; a batch's URLs are in blobs), and the callback is in them.
        var instance = IsBatchId(id) ? await DurableDeadline.WithinAsync(ct => client.GetInstanceAsync(id, getInputsAndOutputs: true, ct), cancellationToken).ConfigureAwait(false) : null;
        if (instance is null)
        {
            return BatchChange.NotFound;
        }

        if (BatchStatusNames.Of(instance.RuntimeStatus).IsFinal())
        {
            return BatchChange.Conflict;
        }

        await DurableDeadline.WithinAsync(
            async ct =>
            {
                await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = TerminateReason }, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        if (instance.ReadInputAs<BatchRequest>()?.CallbackUrl is { } url)
        {
            var progress = instance.ReadCustomStatusAs<BatchProgress>() ?? new BatchProgress(0, instance.ReadInputAs<BatchRequest>()!.UrlCount, 0);
            await RecordTerminatedAsync(instance, url, progress, cancellationToken).ConfigureAwait(false);
        }

        return BatchChange.Changed;
    }

    /// <summary>
    /// Purges the batches that finished more than the result TTL ago (by their last update, so a long batch is kept a whole
    /// TTL after it finished, however long ago it started): their blobs, then their histories.
    /// </summary>
    /// <returns>How many instances were purged.</returns>
    public async Task<int> PurgeFinishedAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - jobs.CurrentValue.ResultTtl;
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = "b",
            CreatedTo = cutoff, // the query filters by start only; a batch that finished before the cutoff started before it too
            Statuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated],
            FetchInputsAndOutputs = false,
        };
        var purged = 0;
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (instance.LastUpdatedAt > cutoff)
            {
                continue; // finished within the TTL: its user may still be reading it
            }

            await store.DeleteAsync(instance.InstanceId, cancellationToken).ConfigureAwait(false);
            purged += (await client.PurgeInstanceAsync(instance.InstanceId, cancellationToken).ConfigureAwait(false)).PurgedInstanceCount;
        }

        return purged;
    }

    private async Task DeleteBlobsQuietlyAsync(string id)
    {
        try
        {
            using var budget = new CancellationTokenSource(DurableDeadline.Client);
            await store.DeleteAsync(id, budget.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageTrouble.IsOrCanceled(ex))
        {
            // Best effort: the purge deletes them later only for batches it finds, so these stay; they are never read.
        }
    }

    /// <summary>The id of the batch a request key starts.</summary>
    public static string IdOf(string requestKey) => $"b{requestKey}";

    private static bool IsBatchId(string? id) => id is { Length: JobIds.KeyLength + 1 } && id[0] == 'b' && JobIds.IsValidKey(id[1..]);
}
