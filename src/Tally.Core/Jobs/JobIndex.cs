using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// The jobs by status, so a listing reads only the jobs it returns and the purge only the old ones:
/// table <c>TallyJobIndex</c>, one row a job, in the partition of the hour its request was made
/// (reversed, so newer hours sort first), keyed <c>{status}-{job id}</c> (ids sort newest first).
/// </summary>
/// <remarks>
/// The job record is the truth. <see cref="JobStore"/> writes a job's row for its new status before each
/// transition it saves and removes the old row after it (and a request's rows before its records), so a
/// record always has a row under its status: a listing never misses a job. A row left stale by a failure or
/// a crash between the writes is skipped by the listing, which moves it to where the record says.
/// </remarks>
public sealed class JobIndex
{
    /// <summary>The index table.</summary>
    public const string TableName = "TallyJobIndex";

    private readonly TableClient _table;
    private readonly IndexWriter _writer;
    private readonly Once _created = new();

    /// <summary>The index in <paramref name="tables"/>. One for the app: concurrent deliveries share its transactions.</summary>
    public JobIndex(TableServiceClient tables)
    {
        _table = tables.GetTableClient(TableName);
        _writer = new IndexWriter(_table);
    }

    /// <summary>Puts each job's row under its current status: jobs of one request (one partition), at most 100.</summary>
    /// <remarks>The rows may share a transaction with other deliveries' rows of the partition (see <see cref="IndexWriter"/>).</remarks>
    public async Task AddAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        TableTransactionAction[] rows = [.. jobs.Select(job => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(job.Id, job.JobStatus)))];
        await _writer.WriteAsync(rows[0].Entity.PartitionKey, rows, ct => _table.SubmitTransactionAsync(rows, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves a job's row from <paramref name="from"/> to its current status, in one transaction.</summary>
    public async Task MoveAsync(JobEntity job, JobStatus from, CancellationToken cancellationToken)
    {
        if (from == job.JobStatus)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var moved = Entity(job.Id, job.JobStatus);
        try
        {
            await _table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, Entity(job.Id, from), ETag.All),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, moved),
                ],
                cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            await _table.UpsertEntityAsync(moved, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false); // the old row was already gone
        }
    }

    /// <summary>
    /// Deletes the rows jobs of one request (one partition) had under the statuses they left, in one transaction (maybe
    /// shared with other deliveries' rows, see <see cref="IndexWriter"/>); one at a time if one was already gone.
    /// </summary>
    public async Task RemoveAsync(IReadOnlyList<(JobEntity Job, JobStatus From)> left, CancellationToken cancellationToken)
    {
        var rows = left.Where(l => l.From != l.Job.JobStatus).Select(l => Entity(l.Job.Id, l.From)).ToArray();
        if (rows.Length == 0)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        TableTransactionAction[] deletes = [.. rows.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All))];
        await _writer.WriteAsync(rows[0].PartitionKey, deletes, Alone, cancellationToken).ConfigureAwait(false);

        async Task Alone(CancellationToken ct)
        {
            try
            {
                await _table.SubmitTransactionAsync(deletes, ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                foreach (var row in rows)
                {
                    await RemoveAsync(new IndexRow(row.PartitionKey, row.RowKey), ct).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Deletes one row (a stale one, or one whose job was purged).</summary>
    public async Task RemoveAsync(IndexRow row, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(row.Partition, row.Key, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>The rows of jobs in <paramref name="status"/>, newest first, from the hour of <paramref name="now"/> back over <paramref name="span"/>, after <paramref name="after"/>.</summary>
    public async IAsyncEnumerable<IndexRow> ListAsync(
        JobStatus status, DateTimeOffset now, TimeSpan span, IndexRow? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var prefix = $"{status.ToName()}-";
        var first = after?.Partition ?? Partition(now);
        var last = Partition(now - span);
        for (var partition = first; string.CompareOrdinal(partition, last) <= 0; partition = Older(partition))
        {
            var from = partition == after?.Partition ? after.Key : prefix;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {prefix[..^1] + "."}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: 100, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                yield return new IndexRow(partition, row.RowKey);
            }
        }
    }

    /// <summary>
    /// Counts the jobs in <paramref name="status"/> requested over <paramref name="span"/> before <paramref name="now"/>,
    /// newest hours first, reading at most <paramref name="cap"/> rows: past it the count is only a lower bound.
    /// </summary>
    /// <returns>The count, and whether it stopped at the cap.</returns>
    public async Task<(int Count, bool Capped)> CountAsync(JobStatus status, DateTimeOffset now, TimeSpan span, int cap, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in ListAsync(status, now, span, null, cancellationToken).ConfigureAwait(false))
        {
            if (++count > cap)
            {
                return (cap, true);
            }
        }

        return (count, false);
    }

    /// <summary>Every row of a request made before <paramref name="cutoff"/>'s hour: the only jobs that can have expired.</summary>
    public async IAsyncEnumerable<IndexRow> ListOlderThanAsync(DateTimeOffset cutoff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {Partition(cutoff)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new IndexRow(row.PartitionKey, row.RowKey);
        }
    }

    /// <summary>The partition of the hour <paramref name="time"/> falls in: reversed hours since 1970, so newer sorts first.</summary>
    internal static string Partition(DateTimeOffset time) => (uint.MaxValue - (uint)(time.ToUnixTimeSeconds() / 3600)).ToString("x8");

    private static string Older(string partition) => (Convert.ToUInt32(partition, 16) + 1).ToString("x8");

    private static TableEntity Entity(string jobId, JobStatus status) => new(Partition(JobIds.RequestTime(jobId)), $"{status.ToName()}-{jobId}");

    private Task EnsureTableAsync(CancellationToken cancellationToken) =>
        _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken);
}

/// <summary>A row of <see cref="JobIndex"/>: where it is, and (as an opaque token) where a listing goes on from.</summary>
/// <param name="Partition">The hour's partition.</param>
/// <param name="Key">The row key, <c>{status}-{job id}</c>.</param>
public sealed record IndexRow(string Partition, string Key)
{
    /// <summary>The job the row stands for.</summary>
    public string JobId => Key[(Key.IndexOf('-') + 1)..];

    /// <summary>The row as a continuation token.</summary>
    public string ToToken() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Partition}/{Key}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads a continuation token; null when it is not one.</summary>
    public static IndexRow? FromToken(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (token.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('/');
            return parts is [{ Length: 8 } partition, { } key] && key.IndexOf('-') is > 0 and var dash && JobIds.IsValid(key[(dash + 1)..])
                && JobIds.IsHex(partition)
                ? new IndexRow(partition, key)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
