using Azure;

namespace Tally.Jobs;

/// <summary>
/// Writes the results of a message's jobs together: a result waits for the message's other claimed jobs, up to
/// <see cref="Linger"/>, and a write takes every result that came meanwhile (their index rows, then one transaction);
/// while one write is under way, the results that finish wait for it, and the next write takes them all. Not canceled
/// with the invocation, as the work is done.
/// </summary>
/// <remarks>
/// Without the wait, the first result of a message was written alone (a record write and an index write) while its
/// siblings, done a few milliseconds later, waited for it: two or three writes a message where one does.
/// </remarks>
internal sealed class GroupWriter(JobRecords records, int claimed)
{
    /// <summary>
    /// How long a result waits for the message's other jobs before it is written without them: short beside a fetch,
    /// so a job's result shows at most this much later; a job that never saves (its invocation canceled) delays the
    /// others no longer than this.
    /// </summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private List<Pending> _pending = [];
    private int _running = claimed;
    private bool _writing;
    private bool _lingering;

    public Task<(JobEntity? Job, bool Changed)> SaveAsync(JobEntity claimed, Func<JobEntity, bool> change)
    {
        var pending = new Pending(claimed, change, new(TaskCreationOptions.RunContinuationsAsynchronously));
        bool write, linger = false;
        lock (_gate)
        {
            _pending.Add(pending);
            _running--;
            write = !_writing && _running <= 0;
            if (write)
            {
                _writing = true;
            }
            else if (!_writing && !_lingering)
            {
                _lingering = linger = true;
            }
        }

        if (write)
        {
            _ = WriteAllAsync();
        }
        else if (linger)
        {
            _ = WriteAfterLingerAsync();
        }

        return pending.Done.Task;
    }

    /// <summary>Writes what waits once <see cref="Linger"/> has passed, unless a write has begun meanwhile (the last job's result starts one).</summary>
    private async Task WriteAfterLingerAsync()
    {
        await Task.Delay(Linger).ConfigureAwait(false); // wall-clock time on purpose: a pause between storage calls, not a time of the domain
        lock (_gate)
        {
            _lingering = false;
            if (_writing || _pending.Count == 0)
            {
                return;
            }

            _writing = true;
        }

        await WriteAllAsync().ConfigureAwait(false);
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
