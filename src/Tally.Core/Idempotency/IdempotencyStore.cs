using Azure;
using Azure.Data.Tables;
using Tally.Hosting;
using Tally.Jobs;

namespace Tally.Idempotency;

/// <summary>
/// Table <c>TallyIdempotency</c>: a row per idempotency key (in a partition of its hash), written once by the request
/// that first sends the key and then changed only by ETag, so two requests can never both hold it.
/// </summary>
public sealed class IdempotencyStore(TableServiceClient tables)
{
    /// <summary>The table.</summary>
    public const string TableName = "TallyIdempotency";

    private const string Row = "key";

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private readonly Once _created = new();

    /// <summary>Adds the key's row; null when the key already has one.</summary>
    public async Task<IdempotencyRecord?> TryAddAsync(string hash, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _table.AddEntityAsync(Entity(hash, record), cancellationToken).ConfigureAwait(false);
            return record with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    /// <summary>The key's row; null when it has none.</summary>
    public async Task<IdempotencyRecord?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(hash, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? Record(response.Value!) : null;
    }

    /// <summary>Replaces the key's row as it was read (<paramref name="record"/>'s ETag); null when it changed since.</summary>
    public async Task<IdempotencyRecord?> TryReplaceAsync(string hash, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(Entity(hash, record), record.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return record with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Deletes the rows of keys that expired before <paramref name="now"/>; how many.</summary>
    /// <remarks>A query of this table alone, which holds only the keys of one result TTL.</remarks>
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RowSweep.DeleteAsync(_table, TableClient.CreateQueryFilter($"ExpiresAt le {now}"), cancellationToken);

    private static TableEntity Entity(string hash, IdempotencyRecord record) => new(hash, Row)
    {
        [nameof(IdempotencyRecord.Fingerprint)] = record.Fingerprint,
        [nameof(IdempotencyRecord.ResourceId)] = record.ResourceId,
        [nameof(IdempotencyRecord.CreatedAt)] = record.CreatedAt,
        [nameof(IdempotencyRecord.RunAt)] = record.RunAt,
        [nameof(IdempotencyRecord.LeaseUntil)] = record.LeaseUntil,
        [nameof(IdempotencyRecord.ExpiresAt)] = record.ExpiresAt,
    };

    private static IdempotencyRecord Record(TableEntity row) => new(
        row.GetString(nameof(IdempotencyRecord.Fingerprint)),
        row.GetString(nameof(IdempotencyRecord.ResourceId)),
        row.GetDateTimeOffset(nameof(IdempotencyRecord.CreatedAt)) ?? default,
        row.GetDateTimeOffset(nameof(IdempotencyRecord.RunAt)),
        row.GetDateTimeOffset(nameof(IdempotencyRecord.LeaseUntil)) ?? default,
        row.GetDateTimeOffset(nameof(IdempotencyRecord.ExpiresAt)) ?? default,
        row.ETag);
}
