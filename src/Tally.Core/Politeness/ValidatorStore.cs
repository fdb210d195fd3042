using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Tally.Fetching;
using Tally.Jobs;

namespace Tally.Politeness;

/// <summary>
/// The validators of each URL's last counted fetch (<c>TallyValidators</c>: a partition an origin, a row a URL, keyed by
/// their hashes), kept as long as the result is, so the next fetch of the URL can be conditional.
/// </summary>
/// <remarks>
/// Most origins send no validators, and a lookup for each of their fetches would be a storage call wasted: an origin's
/// own row records that it ever sent some, read once per origin per instance, and only then are its URLs looked up.
/// </remarks>
public sealed class ValidatorStore(PolitenessStorage storage, TimeProvider time)
{
    /// <summary>The table.</summary>
    public const string TableName = "TallyValidators";

    private const string OriginRow = "origin";

    private readonly TableClient _table = storage.Tables.GetTableClient(TableName);
    private readonly Once _created = new();
    private readonly ConcurrentDictionary<string, Task<bool>> _sendsValidators = new();

    /// <summary>The validators kept for <paramref name="url"/>, or null (at no storage cost when its origin never sent any).</summary>
    public async Task<PageValidators?> FindAsync(Uri url, CancellationToken cancellationToken)
    {
        var origin = OriginName.Of(url);
        if (!await SendsValidatorsAsync(origin, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(origin), Key(url.AbsoluteUri), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } entity && entity.GetString("Url") == url.AbsoluteUri && entity.GetDateTimeOffset("ExpiresAt") > time.GetUtcNow()
            ? new PageValidators(entity.GetString("ETag"), entity.GetString("LastModified"), entity.GetInt64("Words") ?? 0, entity.GetString("ContentType"))
            : null;
    }

    /// <summary>Keeps the validators of <paramref name="page"/>, counted from <paramref name="url"/>, until <paramref name="expiresAt"/>; nothing when it has none.</summary>
    public async Task SaveAsync(Uri url, PageCount page, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if ((page.ETag is null && page.LastModified is null) || !Fits(page.ETag) || !Fits(page.LastModified))
        {
            return; // none, or one longer than a record keeps: a cut validator never matches, so the page is fetched whole next time
        }

        await _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken).ConfigureAwait(false);
        var origin = OriginName.Of(url);
        if (!await SendsValidatorsAsync(origin, cancellationToken).ConfigureAwait(false))
        {
            await _table.UpsertEntityAsync(new TableEntity(Key(origin), OriginRow) { ["Origin"] = origin }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            _sendsValidators[origin] = Task.FromResult(true);
        }

        await _table.UpsertEntityAsync(
            new TableEntity(Key(origin), Key(url.AbsoluteUri))
            {
                ["Url"] = url.AbsoluteUri,
                ["ETag"] = page.ETag,
                ["LastModified"] = page.LastModified,
                ["Words"] = page.Words,
                ["ContentType"] = StoredText.Bound(page.ContentType),
                ["ExpiresAt"] = expiresAt,
            },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a validator from outside fits the bound every stored text keeps (<see cref="StoredText"/>).</summary>
    private static bool Fits(string? validator) => validator is null || validator.Length <= StoredText.MaxLength;

    private Task<bool> SendsValidatorsAsync(string origin, CancellationToken cancellationToken)
    {
        var known = _sendsValidators.GetOrAdd(origin, o => LoadAsync(o, cancellationToken));
        if (known.IsFaulted || known.IsCanceled)
        {
            _sendsValidators.TryRemove(KeyValuePair.Create(origin, known)); // storage trouble: the next fetch asks again
        }

        return known;
    }

    private async Task<bool> LoadAsync(string origin, CancellationToken cancellationToken)
    {
        await _created.RunAsync(ct => _table.CreateIfNotExistsAsync(ct), cancellationToken).ConfigureAwait(false);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(origin), OriginRow, select: ["PartitionKey"], cancellationToken).ConfigureAwait(false);
        return row.HasValue;
    }

    /// <summary>A key for a URL or an origin: 128 bits of its SHA-256, in hex, as keys may not hold every character a URL may.</summary>
    private static string Key(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
