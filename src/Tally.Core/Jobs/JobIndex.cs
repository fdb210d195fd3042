using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace Tally.Jobs;

/// <summary>
/// Which requests have jobs in which status, so that a listing reads only requests with jobs to return and the purge
/// only old requests: table <c>TallyJobIndex</c>, a row for each request and each status its jobs have entered, in the
/// partition of the hour the request was made (reversed, so newer hours sort first), keyed <c>{status}-{request key}</c>
/// (request keys sort newest first), holding when it was last written.
/// </summary>
/// <remarks>
/// <para>
/// The job records are the truth; a row only says which request to look in. <see cref="JobRecords"/> and <see cref="JobRequests"/> write the row of a
/// status before it saves records in that status (a request's <c>queued</c> row before its records), so every record has
/// the row of its status, and a listing never misses a job. One row serves all of a request's jobs: it is written once a
/// message of jobs (and shared by concurrent deliveries, see <see cref="IndexWriter"/>), not once a job.
/// </para>
/// <para>
/// A row outlives the jobs that have left its status. A listing that finds none of its request's jobs in its status
/// removes it, but only once it is <see cref="StaleAfter"/> old (and not written again since it was read), so a row is
/// never removed between its write and its record's.
/// </para>
/// </remarks>
public sealed class JobIndex
{
    /// <summary>The index table.</summary>
    public const string TableName = "TallyJobIndex";

    /// <summary>
    /// How long a row with no job in its status is kept: far longer than a record's save takes after its row's write
    /// (each storage call gives up within seconds, see <c>StorageClientBudget</c>).
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    private const string WrittenAt = nameof(IndexEntry.WrittenAt);

    private readonly TableClient _table;
    private readonly IndexWriter _writer;
    private readonly TimeProvider _time;
    private readonly Once _created = new();

    /// <summary>The index in <paramref name="tables"/>. One for the app: concurrent deliveries share its writes.</summary>
    public JobIndex(TableServiceClient tables, TimeProvider time)
    {
        _table = tables.GetTableClient(TableName);
        _writer = new IndexWriter(_table);
        _time = time;
    }

    /// <summary>Writes the row of each request and status among <paramref name="jobs"/> (at most 100 rows): before their records are saved in that status.</summary>
    public async Task MarkAsync(IReadOnlyList<JobEntity> jobs, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        await WriteAsync(jobs.Select(job => (job.PartitionKey, job.JobStatus)).Distinct(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the <c>running</c> row of each of <paramref name="requestKeys"/> again, as a delivery still running their
    /// jobs does every <see cref="JobsOptions.HeartbeatInterval"/>: the row's time is the request's last sign of life.
    /// </summary>
    /// <remarks>A row, not the records: a record's ETag guards the worker's own writes, which a heartbeat must not break.</remarks>
    public Task MarkRunningAsync(IReadOnlyCollection<string> requestKeys, CancellationToken cancellationToken) =>
        WriteAsync(requestKeys.Distinct().Select(key => (key, JobStatus.Running)), cancellationToken);

    /// <summary>Upserts the row of each request and status, each hour's rows in one write shared with others'.</summary>
    private async Task WriteAsync(IEnumerable<(string Request, JobStatus Status)> rows, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var partitions = rows
            .Select(row => new TableEntity(Partition(row.Status, row.Request), Key(row.Status, row.Request)) { [WrittenAt] = now })
            .GroupBy(row => row.PartitionKey);
        await Task.WhenAll(partitions.Select(partition => _writer.WriteAsync([.. partition], cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// The rows of requests with jobs in <paramref name="status"/>, newest first, from the hour of <paramref name="now"/>
    /// back over <paramref name="span"/>; from where <paramref name="after"/> points on, when given.
    /// </summary>
    /// <remarks>
    /// Each query of an hour (a page of its rows) spends a call of <paramref name="budget"/>, when given; once it has
    /// none left the rows end, and the budget says where the walk stopped.
    /// </remarks>
    public async IAsyncEnumerable<IndexEntry> ListAsync(
        JobStatus status, DateTimeOffset now, TimeSpan span, ListingCursor? after, ListingBudget? budget, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var prefix = $"{status.ToName()}-";
        var end = $"{status.ToName()}.";
        IEnumerable<string> partitions = status == JobStatus.Scheduled ? [ScheduledPartition] : Hours(after?.Partition ?? Partition(now), Partition(now - span));
        foreach (var partition in partitions)
        {
            var from = after is not null && (partition == after.Partition || partition == ScheduledPartition) ? after.RequestKey : null;
            var filter = from is not null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix + from} and RowKey lt {end}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {prefix} and RowKey lt {end}");
            var resumeAt = from is not null ? after! : ListingCursor.AtHour(partition);
            if (budget?.TrySpend() == false)
            {
                budget.StopAt(resumeAt);
                yield break;
            }

            var query = _table.QueryAsync<TableEntity>(filter, maxPerPage: 100, select: ["RowKey", WrittenAt], cancellationToken: cancellationToken);
            await foreach (var page in query.AsPages().ConfigureAwait(false))
            {
                foreach (var row in page.Values)
                {
                    var entry = Entry(partition, row);
                    resumeAt = ListingCursor.AfterRequest(entry.RequestKey);
                    yield return entry;
                }

                if (page.ContinuationToken is null)
                {
                    break;
                }

                if (budget?.TrySpend() == false)
                {
                    budget.StopAt(resumeAt); // the hour's next page is the next listing page's
                    yield break;
                }
            }
        }
    }

    /// <summary>Every row of a request made before <paramref name="cutoff"/>'s hour: the only requests with jobs that can have expired.</summary>
    public async IAsyncEnumerable<IndexEntry> ListOlderThanAsync(DateTimeOffset cutoff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {Partition(cutoff)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", WrittenAt], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return Entry(row.PartitionKey, row);
        }
    }

    /// <summary>Deletes a row as it was read: one written again since then stays.</summary>
    public async Task RemoveAsync(IndexEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(entry.Partition, entry.RowKey, entry.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }
    }

    /// <summary>
    /// The partition of the <c>scheduled</c> rows: a delayed request's key carries its due time, an hour that may be weeks
    /// ahead, so its rows while it waits are in one partition of their own (after the hours: the purge reads them too).
    /// </summary>
    internal const string ScheduledPartition = "scheduled";

    /// <summary>The partition of a request's row for <paramref name="status"/>.</summary>
    private static string Partition(JobStatus status, string requestKey) =>
        status == JobStatus.Scheduled ? ScheduledPartition : Partition(JobIds.RequestTime(requestKey));

    /// <summary>The partition of the hour <paramref name="time"/> falls in: reversed hours since 1970, so newer sorts first.</summary>
    internal static string Partition(DateTimeOffset time) => (uint.MaxValue - (uint)(time.ToUnixTimeSeconds() / 3600)).ToString("x8");

    /// <summary>Whether <paramref name="partition"/> is the hour of <paramref name="newest"/> or older, and no older than the hour of <paramref name="oldest"/>.</summary>
    internal static bool IsBetween(string partition, DateTimeOffset newest, DateTimeOffset oldest) =>
        string.CompareOrdinal(partition, Partition(newest)) >= 0 && string.CompareOrdinal(partition, Partition(oldest)) <= 0;

    /// <summary>The hour partitions from <paramref name="first"/> back to <paramref name="last"/>.</summary>
    private static IEnumerable<string> Hours(string first, string last)
    {
        for (var partition = first; string.CompareOrdinal(partition, last) <= 0; partition = (Convert.ToUInt32(partition, 16) + 1).ToString("x8"))
        {
            yield return partition;
        }
    }

    private static string Key(JobStatus status, string requestKey) => $"{status.ToName()}-{requestKey}";

    private static IndexEntry Entry(string partition, TableEntity row) =>
        new(partition, row.RowKey, row.GetDateTimeOffset(WrittenAt) ?? DateTimeOffset.MinValue, row.ETag);

    private Task EnsureTableAsync(CancellationToken cancellationToken) =>
        _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken);
}

/// <summary>A row of <see cref="JobIndex"/>: a request with jobs in a status, as read.</summary>
/// <param name="Partition">The request's hour.</param>
/// <param name="RowKey"><c>{status}-{request key}</c>.</param>
/// <param name="WrittenAt">When the row was last written.</param>
/// <param name="ETag">The row's version as read.</param>
public sealed record IndexEntry(string Partition, string RowKey, DateTimeOffset WrittenAt, ETag ETag)
{
    /// <summary>The request the row stands for.</summary>
    public string RequestKey => RowKey[(RowKey.IndexOf('-') + 1)..];
}
