using Azure;
using Azure.Data.Tables;
using Tally.Hosting;
using Tally.Jobs;

namespace Tally.Callbacks;

/// <summary>The delivery log, table <c>TallyDeliveries</c>: every change is a read-modify-write checked by ETag.</summary>
public sealed class DeliveryLog(TableServiceClient tables)
{
    /// <summary>The table.</summary>
    public const string TableName = "TallyDeliveries";

    private const int MaxConflicts = 8;

    /// <summary>What a listing reads: everything but the body.</summary>
    private static readonly string[] Listed =
    [
        "PartitionKey", "RowKey", nameof(DeliveryEntity.Type), nameof(DeliveryEntity.ResourceId), nameof(DeliveryEntity.Url), nameof(DeliveryEntity.State),
        nameof(DeliveryEntity.Attempts), nameof(DeliveryEntity.LastStatus), nameof(DeliveryEntity.LastError), nameof(DeliveryEntity.CreatedAt),
    ];

    private readonly TableClient _table = tables.GetTableClient(TableName);
    private readonly Once _created = new();

    /// <summary>Creates <paramref name="delivery"/>; false when a delivery with its id exists (the event was recorded before).</summary>
    public async Task<bool> AddAsync(DeliveryEntity delivery, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _table.AddEntityAsync(delivery, cancellationToken).ConfigureAwait(false);
            delivery.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Reads a delivery; null when there is none.</summary>
    public async Task<DeliveryEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (DeliveryIds.Split(id) is not var (partition, row))
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var response = await _table.GetEntityIfExistsAsync<DeliveryEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Applies <paramref name="change"/> and saves it if the delivery was not changed meanwhile; on a conflict, reads it again and decides anew.</summary>
    /// <returns>The delivery as stored (null if there is none) and whether <paramref name="change"/> was saved.</returns>
    public async Task<(DeliveryEntity? Delivery, bool Changed)> UpdateAsync(
        string id, Func<DeliveryEntity, bool> change, DeliveryEntity? current, CancellationToken cancellationToken)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var delivery = current ?? await FindAsync(id, cancellationToken).ConfigureAwait(false);
            current = null;
            if (delivery is null || !change(delivery))
            {
                return (delivery, false);
            }

            try
            {
                var response = await _table.UpdateEntityAsync(delivery, delivery.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                delivery.ETag = response.Headers.ETag ?? default;
                return (delivery, true);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404 && conflicts < MaxConflicts)
            {
            }
        }
    }

    /// <summary>
    /// A page of deliveries, newest request or batch first, optionally in one state: one storage call a page, so a page
    /// can hold fewer than <paramref name="limit"/> (even none) and still have a next one.
    /// </summary>
    /// <returns>The page and the next page's token, or null at the end; null for both when <paramref name="continuation"/> is not a token of this listing.</returns>
    public async Task<(IReadOnlyList<Delivery> Deliveries, string? Continuation)?> ListAsync(
        string? state, int limit, string? continuation, CancellationToken cancellationToken)
    {
        string? token = null;
        if (continuation is not null && (token = FromToken(continuation)) is null)
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var filter = state is null ? null : TableClient.CreateQueryFilter($"State eq {state}");
        try
        {
            await foreach (var page in _table.QueryAsync<DeliveryEntity>(filter, limit, Listed, cancellationToken).AsPages(token, limit).ConfigureAwait(false))
            {
                return ([.. page.Values.Select(d => d.ToDelivery())], page.ContinuationToken is { Length: > 0 } next ? PageToken.Of(next) : null);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400 && token is not null)
        {
            return null; // storage refused the token: not one of this listing's
        }

        return ([], null);
    }

    private static string? FromToken(string token) =>
        PageToken.Read(token, 1024) is { Length: > 0 } text && text.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '!' or '*' or '.' or '-' or '_' or '+' or '/' or '=') ? text : null;

    private Task EnsureTableAsync(CancellationToken cancellationToken) =>
        _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken);
}
