namespace Tally.Politeness;

/// <summary>Where each origin's limit is shared out between the instances that fetch from it (see <see cref="OriginShares"/>).</summary>
public interface IOriginShares
{
    /// <summary>The storage calls made so far, to tell what limits cost a fetch.</summary>
    long Calls { get; }

    /// <summary>Renews <paramref name="instance"/>'s share of <paramref name="origin"/> as <paramref name="asked"/> says, publishing the pause it learnt of.</summary>
    /// <returns>The slots it may use now, how many instances share the origin, and the origin's pause, if any.</returns>
    Task<ShareGrant> RenewAsync(string origin, string instance, ShareRequest asked, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The origins with work in flight or a pause, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<OriginState>> ListAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);
}
