using System.Collections.Concurrent;

namespace Tally.Politeness;

/// <summary>
/// Origin shares for a fetch pipeline without storage (<c>AddTallyFetching</c> alone): the one process holds each
/// origin's whole limit. The app replaces it with <see cref="OriginShares"/>, which holds across instances.
/// </summary>
internal sealed class ProcessOriginShares : IOriginShares
{
    private readonly ConcurrentDictionary<string, (ShareRequest Asked, OriginPause? Pause)> _origins = new();

    public long Calls => 0;

    public Task<ShareGrant> RenewAsync(string origin, string instance, ShareRequest asked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = _origins.AddOrUpdate(
            origin,
            _ => (asked, asked.Pause),
            (_, old) => (asked, asked.Pause is { } pause && (old.Pause is null || pause.Until > old.Pause.Until) ? pause : old.Pause));
        return Task.FromResult(new ShareGrant(asked.Want, 1, state.Pause is { } p && p.Until > now ? p : null));
    }

    public Task<IReadOnlyList<OriginState>> ListAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OriginState>>([.. _origins
            .Select(o => (o.Key, o.Value.Asked, Pause: o.Value.Pause is { } p && p.Until > now ? p : null))
            .Where(o => o.Asked.InUse > 0 || o.Pause is not null)
            .Take(max)
            .Select(o => new OriginState(o.Key, o.Asked.InUse, o.Asked.Window, o.Pause?.Until, o.Pause?.Reason))]);
}
