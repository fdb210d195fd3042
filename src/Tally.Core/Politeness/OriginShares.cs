using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Tally.Jobs;

namespace Tally.Politeness;

/// <summary>
/// Each origin's limit, shared out between the instances that fetch from it: one <c>TallyOrigins</c> row an origin
/// holds each instance's share (slots it may use, slots it wants, how many are in use, until when the share holds) and
/// any pause, and every change is an ETag-checked replace, so two instances never hand out the same slot.
/// </summary>
/// <remarks>
/// The shares add up to at most the limit at every write. An instance takes only free slots; when another instance
/// wants more than it holds, each keeps at most an equal share, and gives back what it holds above it as its fetches
/// finish (its share is written down only then), so no slot is used twice. A share nobody renews lapses after
/// <see cref="Lease"/>, so the slots of an instance that died come back.
/// </remarks>
public sealed class OriginShares(PolitenessStorage storage) : IOriginShares
{
    /// <summary>The table.</summary>
    public const string TableName = "TallyOrigins";

    /// <summary>How long a share holds unless renewed.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private const string ShareRow = "share";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _table = storage.Tables.GetTableClient(TableName);
    private readonly Once _created = new();
    private long _calls;

    /// <inheritdoc />
    public long Calls => Interlocked.Read(ref _calls);

    /// <inheritdoc />
    public async Task<ShareGrant> RenewAsync(string origin, string instance, ShareRequest asked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (limit, want, inUse) = (asked.Limit, asked.Want, asked.InUse);
        await _created.RunAsync(ct => Counted(_table.CreateIfNotExistsAsync(ct)), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var stored = await Counted(_table.GetEntityIfExistsAsync<TableEntity>(Key(origin), ShareRow, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var row = stored.HasValue ? stored.Value! : new TableEntity(Key(origin), ShareRow) { ["Origin"] = origin };
            var holders = Read(row).Where(h => h.Key != instance && h.Value.Until > now.ToUnixTimeMilliseconds()).ToDictionary();

            var others = holders.Values.Sum(h => h.Slots);
            var contenders = holders.Values.Count(h => h.Wants > 0) + (want > 0 ? 1 : 0);
            var someoneStarves = holders.Values.Any(h => h.Wants > h.Slots);
            var grant = Math.Min(want, Math.Max(0, limit - others));
            if (someoneStarves)
            {
                grant = Math.Min(grant, Math.Max(1, limit / Math.Max(1, contenders)));
            }

            if (want > 0 || inUse > 0)
            {
                holders[instance] = new Holder(Math.Max(grant, inUse), want, inUse, asked.Window, (now + Lease).ToUnixTimeMilliseconds());
            }

            var paused = Merge(row, asked.Pause, now);
            if (holders.Count == 0 && paused is null && stored.HasValue)
            {
                if (await TryAsync(_table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken)).ConfigureAwait(false))
                {
                    return new ShareGrant(grant, 1, null);
                }

                continue;
            }

            row["Holders"] = JsonSerializer.Serialize(holders, Json);
            var written = stored.HasValue
                ? TryAsync(_table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken))
                : TryAsync(_table.AddEntityAsync(row, cancellationToken));
            if (await written.ConfigureAwait(false))
            {
                return new ShareGrant(grant, Math.Max(1, holders.Count), paused);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>As the last renewals of every instance left them.</remarks>
    public async Task<IReadOnlyList<OriginState>> ListAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => Counted(_table.CreateIfNotExistsAsync(ct)), cancellationToken).ConfigureAwait(false);
        // One page: a bounded number of storage calls, as every listing.
        var page = await _table.QueryAsync<TableEntity>(maxPerPage: max, cancellationToken: cancellationToken).AsPages().FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var states = new List<OriginState>();
        foreach (var row in page?.Values ?? [])
        {
            var live = Read(row).Values.Where(h => h.Until > now.ToUnixTimeMilliseconds()).ToList();
            var pause = Merge(row, null, now);
            if (live.Count > 0 || pause is not null)
            {
                states.Add(new OriginState(row.GetString("Origin") ?? "", live.Sum(h => h.InUse), live.Count > 0 ? live.Min(h => h.Limit) : null, pause?.Until, pause?.Reason));
            }
        }

        return states;
    }

    private static OriginPause? Merge(TableEntity row, OriginPause? pause, DateTimeOffset now)
    {
        var stored = row.GetDateTimeOffset("PausedUntil") is { } until && until > now ? new OriginPause(until, row.GetString("PauseReason") ?? "") : null;
        var merged = pause is not null && pause.Until > now && (stored is null || pause.Until > stored.Until) ? pause : stored;
        row["PausedUntil"] = merged?.Until;
        row["PauseReason"] = merged?.Reason;
        return merged;
    }

    private static Dictionary<string, Holder> Read(TableEntity row) =>
        row.GetString("Holders") is { Length: > 0 } text ? JsonSerializer.Deserialize<Dictionary<string, Holder>>(text, Json) ?? [] : [];

    private async Task<bool> TryAsync(Task write)
    {
        try
        {
            await Counted(write).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return false; // another instance wrote first: read again
        }
    }

    private Task<T> Counted<T>(Task<T> call)
    {
        Interlocked.Increment(ref _calls);
        return call;
    }

    private Task Counted(Task call)
    {
        Interlocked.Increment(ref _calls);
        return call;
    }

    private static string Key(string origin) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(origin)).AsSpan(0, 16));

    /// <summary>One instance's share, as stored.</summary>
    private sealed record Holder(int Slots, int Wants, int InUse, int Limit, long Until);
}

/// <summary>What a renewal gave an instance.</summary>
/// <param name="Slots">The fetches it may have in flight.</param>
/// <param name="Holders">How many instances hold a share of the origin (its rate is split between them).</param>
/// <param name="Pause">The origin's pause, if any instance published one.</param>
public sealed record ShareGrant(int Slots, int Holders, OriginPause? Pause);

/// <summary>An origin's pause.</summary>
/// <param name="Until">When it ends.</param>
/// <param name="Reason">Why, for a person to read.</param>
public sealed record OriginPause(DateTimeOffset Until, string Reason);

/// <summary>An origin as <c>GET /api/origins</c> shows it.</summary>
/// <param name="Origin">The origin, WHATWG-serialized.</param>
/// <param name="InFlight">Its fetches in flight across every instance (as of their last renewal).</param>
/// <param name="Limit">Its current concurrency limit (the lowest any instance works to), when any instance fetches from it.</param>
/// <param name="PausedUntil">When its pause ends, if paused.</param>
/// <param name="Reason">Why it is paused.</param>
public sealed record OriginState(string Origin, int InFlight, int? Limit, DateTimeOffset? PausedUntil, string? Reason);
