using Azure.Data.Tables;
using Tally.Jobs;

namespace Tally.Callbacks;

/// <summary>Reads how far a request's jobs have got, for <c>callbackMode: "request"</c>: each a query of the request's partition.</summary>
public sealed class RequestProgress(TableServiceClient tables)
{
    private readonly TableClient _table = tables.GetTableClient(JobStorage.TableName);

    /// <summary>Whether every job of the request is final: one query for a job that is not, stopping at the first.</summary>
    public async Task<bool> IsCompleteAsync(string requestKey, CancellationToken cancellationToken)
    {
        var unfinished = Enum.GetValues<JobStatus>().Where(status => !status.IsFinal()).Select(status => TableClient.CreateQueryFilter($"Status eq {status.ToName()}"));
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {requestKey}")} and ({string.Join(" or ", unfinished)})";
        return !await _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).AnyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every job of the request with its status, in order.</summary>
    public async Task<RequestCompletion> ReadAsync(string requestKey, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {requestKey}");
        var jobs = await _table.QueryAsync<TableEntity>(filter, select: ["RowKey", nameof(JobEntity.Status)], cancellationToken: cancellationToken)
            .Where(row => JobIds.IsHex(row.RowKey))
            .Select(row => new JobOutcome(requestKey + row.RowKey, row.GetString(nameof(JobEntity.Status))))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new RequestCompletion(requestKey, jobs);
    }
}
