using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// The index writes of concurrent deliveries, shared: while one transaction of a partition is under way, the writes
/// that come for that partition wait, and the next transaction takes them all (up to 100 rows, no row twice). A write
/// that finds its partition idle goes at once, alone, as if there were no sharing.
/// </summary>
/// <remarks>
/// Index writes may share a transaction with any other: each row is an upsert or a delete of whatever is there, so
/// nothing depends on which write a row came with. When a shared transaction fails on one of its rows (a delete of a
/// row already gone), storage has applied none of it, and each write is made again alone, with its own handling.
/// The next transaction takes the waiting writes in the order they came, and stops at one that names a row already
/// taken, so the writes of one row land in their order.
/// </remarks>
internal sealed class IndexWriter(TableClient table)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Pending>> _waiting = [];

    /// <summary>Writes <paramref name="rows"/> (one partition, at most 100), sharing a transaction with others' when their partition is busy.</summary>
    /// <param name="partition">The rows' partition.</param>
    /// <param name="rows">The rows' upserts and deletes, no row twice.</param>
    /// <param name="alone">Writes the rows in a transaction of their own, handling its failures: what runs when they go alone.</param>
    /// <param name="cancellationToken">Stops the wait; rows that waited are still written after the caller has gone.</param>
    public async Task WriteAsync(string partition, IReadOnlyList<TableTransactionAction> rows, Func<CancellationToken, Task> alone, CancellationToken cancellationToken)
    {
        var pending = new Pending(rows, alone, new(TaskCreationOptions.RunContinuationsAsynchronously));
        bool busy;
        lock (_gate)
        {
            busy = _waiting.TryGetValue(partition, out var queue);
            if (busy)
            {
                queue!.Enqueue(pending); // a transaction is under way: the next one takes these rows
            }
            else
            {
                _waiting[partition] = new Queue<Pending>();
            }
        }

        if (busy)
        {
            // The transaction that takes these rows is written with no caller's token: it is others' too.
            await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await alone(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = WriteWaitingAsync(partition);
        }
    }

    /// <summary>Writes what waited for <paramref name="partition"/>, a transaction at a time, until nothing waits.</summary>
    private async Task WriteWaitingAsync(string partition)
    {
        while (Next(partition) is { } batch)
        {
            if (batch.Count > 1 && await TryWriteSharedAsync(batch).ConfigureAwait(false))
            {
                continue;
            }

            foreach (var pending in batch)
            {
                await WriteAloneAsync(pending).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Writes the batch in one transaction and tells each writer how it went; false, with nothing written, when storage
    /// refused one of its rows (a delete of a row already gone, say): then each write goes again alone, with its own handling.
    /// </summary>
    private async Task<bool> TryWriteSharedAsync(List<Pending> batch)
    {
        try
        {
            await table.SubmitTransactionAsync(batch.SelectMany(p => p.Rows), CancellationToken.None).ConfigureAwait(false);
            batch.ForEach(p => p.Done.TrySetResult());
        }
        catch (TableTransactionFailedException)
        {
            return false;
        }
        catch (Exception ex)
        {
            batch.ForEach(p => p.Done.TrySetException(ex)); // each writer handles storage trouble as its own
        }

        return true;
    }

    private static async Task WriteAloneAsync(Pending pending)
    {
        try
        {
            await pending.Alone(CancellationToken.None).ConfigureAwait(false);
            pending.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    /// <summary>Takes the writes that waited, in order, while they fit one transaction and name no row twice; none left ends the partition's turn.</summary>
    private List<Pending>? Next(string partition)
    {
        lock (_gate)
        {
            var queue = _waiting[partition];
            if (queue.Count == 0)
            {
                _waiting.Remove(partition);
                return null;
            }

            var batch = new List<Pending>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (queue.TryPeek(out var next)
                && keys.Count + next.Rows.Count <= JobStore.TransactionSize
                && next.Rows.All(row => !keys.Contains(row.Entity.RowKey)))
            {
                batch.Add(queue.Dequeue());
                keys.UnionWith(next.Rows.Select(row => row.Entity.RowKey));
            }

            return batch;
        }
    }

    private sealed record Pending(IReadOnlyList<TableTransactionAction> Rows, Func<CancellationToken, Task> Alone, TaskCompletionSource Done);
}
