using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// The index writes of concurrent deliveries, shared: while one write of a partition is under way, the rows that come
/// for that partition wait, and the next write takes them all, each row once (up to 100 rows). A write that finds its
/// partition idle goes at once, alone, as if there were no sharing.
/// </summary>
/// <remarks>
/// Every index write is an upsert, so rows may share a write with any others, and two writes of one row are one: the
/// later copy (the later time) is the one written. Storage trouble reaches every caller whose rows were in the write.
/// </remarks>
internal sealed class IndexWriter(TableClient table)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Pending>> _waiting = [];

    /// <summary>Upserts <paramref name="rows"/> (one partition, at most 100, no row twice), sharing a write with others' when their partition is busy.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="cancellationToken">Stops the wait; rows that waited are still written after the caller has gone.</param>
    public async Task WriteAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        var partition = rows[0].PartitionKey;
        var pending = new Pending(rows, new(TaskCreationOptions.RunContinuationsAsynchronously));
        bool busy;
        lock (_gate)
        {
            busy = _waiting.TryGetValue(partition, out var waiting);
            if (busy)
            {
                waiting!.Add(pending); // a write is under way: the next one takes these rows
            }
            else
            {
                _waiting[partition] = [];
            }
        }

        if (busy)
        {
            // The write that takes these rows is made with no caller's token: it is others' too.
            await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await UpsertAsync(rows, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = WriteWaitingAsync(partition);
        }
    }

    /// <summary>Writes what waited for <paramref name="partition"/>, a write at a time, until nothing waits.</summary>
    private async Task WriteWaitingAsync(string partition)
    {
        while (Next(partition) is { } batch)
        {
            var rows = batch.SelectMany(p => p.Rows).GroupBy(row => row.RowKey, StringComparer.Ordinal).Select(same => same.Last()).ToArray();
            try
            {
                await UpsertAsync(rows, CancellationToken.None).ConfigureAwait(false);
                batch.ForEach(p => p.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Done.TrySetException(ex)); // each caller handles storage trouble as its own
            }
        }
    }

    /// <summary>One row is a plain upsert; more are one transaction.</summary>
    private async Task UpsertAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 1)
        {
            await table.UpsertEntityAsync(rows[0], TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return;
        }

        await table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the writes that waited, in order, while their distinct rows fit one transaction; none left ends the partition's turn.</summary>
    private List<Pending>? Next(string partition)
    {
        lock (_gate)
        {
            var waiting = _waiting[partition];
            if (waiting.Count == 0)
            {
                _waiting.Remove(partition);
                return null;
            }

            var batch = new List<Pending>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var next in waiting)
            {
                var added = next.Rows.Count(row => !keys.Contains(row.RowKey));
                if (batch.Count > 0 && keys.Count + added > JobTable.TransactionSize)
                {
                    break;
                }

                batch.Add(next);
                keys.UnionWith(next.Rows.Select(row => row.RowKey));
            }

            waiting.RemoveRange(0, batch.Count);
            return batch;
        }
    }

    private sealed record Pending(IReadOnlyList<TableEntity> Rows, TaskCompletionSource Done);
}
