using Azure;

namespace Tally.Jobs;

/// <summary>
/// Writes the results of a message's jobs as they come, together: while one write is under way, the results that
/// finish wait for it, and the next write takes them all (their index rows, then one transaction). A lone result is
/// written at once. Not canceled with the invocation, as the work is done.
/// </summary>
internal sealed class GroupWriter(JobRecords records)
{
    private readonly Lock _gate = new();
    private List<Pending> _pending = [];
    private bool _writing;

    public Task<(JobEntity? Job, bool Changed)> SaveAsync(JobEntity claimed, Func<JobEntity, bool> change)
    {
        var pending = new Pending(claimed, change, new(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _pending.Add(pending);
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            _ = WriteAllAsync();
        }

        return pending.Done.Task;
    }

    private async Task WriteAllAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
                    return;
                }

                (batch, _pending) = (_pending, []);
            }

            try
            {
                var results = await records.SaveGroupAsync([.. batch.Select(p => (p.Claimed, p.Change))], CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(results[i]);
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 400 && batch.Count > 1)
            {
                // Storage refused one record of the transaction as it is: each is written alone, so only that one fails.
                await Task.WhenAll(batch.Select(async p =>
                {
                    try
                    {
                        p.Done.SetResult(await records.UpdateAsync(p.Claimed.Id, p.Change, null, CancellationToken.None).ConfigureAwait(false));
                    }
                    catch (Exception alone)
                    {
                        p.Done.SetException(alone);
                    }
                })).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Done.SetException(ex)); // storage trouble: each job's delivery throws, and the message comes back
            }
        }
    }

    private sealed record Pending(JobEntity Claimed, Func<JobEntity, bool> Change, TaskCompletionSource<(JobEntity? Job, bool Changed)> Done);
}
