using Azure.Data.Tables;
using Tally.Hosting;

namespace Tally.Politeness;

/// <summary>Deletes the validators of URLs whose kept result has expired: a conditional fetch could no longer reuse their count.</summary>
/// <remarks>
/// The table holds about one result TTL of URLs, so the purge is one filtered query of it. An origin's own row (that it
/// ever sent validators) has no expiry and stays: one small row an origin.
/// </remarks>
public sealed class ValidatorPurger(PolitenessStorage storage, TimeProvider time)
{
    private readonly TableClient _table = storage.Tables.GetTableClient(ValidatorStore.TableName);

    /// <summary>Deletes the validators that expired by now; how many.</summary>
    public Task<int> PurgeAsync(CancellationToken cancellationToken) =>
        RowSweep.DeleteAsync(_table, TableClient.CreateQueryFilter($"ExpiresAt le {time.GetUtcNow()}"), cancellationToken);
}
