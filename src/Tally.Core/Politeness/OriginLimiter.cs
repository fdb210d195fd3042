using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tally.Fetching;

namespace Tally.Politeness;

/// <summary>
/// Per-origin limits that hold across every instance: each fetch takes a slot of its origin's <see cref="OriginGate"/>,
/// whose slots come from the instance's share of the origin's limit in <see cref="OriginShares"/>, renewed in the
/// background, so taking a slot costs no storage call.
/// </summary>
/// <remarks>
/// A share is renewed every <see cref="RenewEvery"/> while the origin is busy (every <see cref="RenewWhenShort"/> while
/// the instance wants more than it holds), at once when a pause is learnt or slots are given back, and released when
/// the origin has been idle for <see cref="IdleRelease"/>. So limits cost about two storage calls a renewal, a few a
/// second however many fetches. Real time, not the app's clock: an origin's pause and a share's lease are in the time
/// the origin and the other instances live in.
/// </remarks>
public sealed partial class OriginLimiter(
    IOriginShares shares, RobotsTxtCache robots, IOptionsMonitor<PolitenessOptions> options, IOptionsMonitor<FetchOptions> fetch, ILogger<OriginLimiter> logger)
{
    /// <summary>How often a busy origin's share is renewed.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);

    /// <summary>How often it is renewed while this instance wants more slots than it holds.</summary>
    public static readonly TimeSpan RenewWhenShort = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an origin is idle before its share is given back.</summary>
    public static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(2);

    /// <summary>The longest a fetch waits for a slot: a third of the fetch timeout, at most 10 s; past it, the work is put off.</summary>
    private TimeSpan MaxWait => TimeSpan.FromTicks(Math.Min(fetch.CurrentValue.Timeout.Ticks / 3, TimeSpan.FromSeconds(10).Ticks));

    private readonly TimeProvider _clock = TimeProvider.System;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..16];
    private readonly ConcurrentDictionary<string, OriginGate> _gates = new();

    /// <summary>Takes a slot of <paramref name="url"/>'s origin, waiting for it as its limits say; the wait is added to <see cref="PoliteWait"/>.</summary>
    /// <exception cref="OriginPausedException">The origin is paused, or its limits would hold the fetch too long.</exception>
    internal async Task<OriginSlot> AcquireAsync(Uri url, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(OriginName.Of(url), origin => new OriginGate(origin, _clock, g => Task.Run(() => RenewLoopAsync(g), CancellationToken.None)));

        var started = _clock.GetTimestamp();
        try
        {
            return await gate.EnterAsync(MaxWait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            PoliteWait.Add(_clock.GetElapsedTime(started));
        }
    }

    /// <summary>The origins with work in flight or paused, across every instance.</summary>
    public Task<IReadOnlyList<OriginState>> ListAsync(int max, CancellationToken cancellationToken) => shares.ListAsync(_clock.GetUtcNow(), max, cancellationToken);

    /// <summary>The storage calls the limits have made, to tell their cost a fetch.</summary>
    public long StorageCalls => shares.Calls;

    private async Task RenewLoopAsync(OriginGate gate)
    {
        while (true)
        {
            var (limit, rate) = LimitsOf(gate.Origin);
            var asked = gate.Demand(limit);
            var idle = asked.Want == 0 && asked.InUse == 0 && asked.Pause is null;
            if (!idle || gate.IdleFor(IdleRelease))
            {
                try
                {
                    var now = _clock.GetUtcNow();
                    var grant = await shares.RenewAsync(gate.Origin, _instance, asked, now, CancellationToken.None).ConfigureAwait(false);
                    gate.Apply(grant, asked, now + OriginShares.Lease - RenewEvery - RenewEvery, rate);
                }
                catch (Exception ex)
                {
                    // Whatever a renewal throws (a storage client that spent its retries throws AggregateException), the
                    // loop goes on: a loop that ended would leave its origin's gate without a share for good, and every
                    // later fetch of that origin waiting for slots that never come. The share held stays usable until it
                    // nears its lapse.
                    LogRenewFailed(ex, gate.Origin);
                }

                if (idle && gate.TryStop(IdleRelease))
                {
                    return;
                }
            }

            await gate.WaitForRenewalAsync(RenewEvery, RenewWhenShort).ConfigureAwait(false);
        }
    }

    /// <summary>The limits of <paramref name="origin"/>: its override, else the defaults; its rate no faster than its robots.txt <c>Crawl-delay</c>.</summary>
    private (int Limit, double? Rate) LimitsOf(string origin)
    {
        var settings = options.CurrentValue;
        var own = settings.Origins.Find(o => o.Origin == origin);
        var rate = own?.RequestsPerSecond ?? settings.RequestsPerSecondPerOrigin;
        if (settings.ObeyRobotsTxt && robots.Kept(origin)?.CrawlDelay is { } delay)
        {
            rate = Math.Min(rate ?? double.MaxValue, 1 / delay.TotalSeconds);
        }

        return (own?.MaxConcurrent ?? settings.MaxConcurrentPerOrigin, rate);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this instance's share of {Origin}; it fetches on what it holds until that lapses")]
    private partial void LogRenewFailed(Exception exception, string origin);
}
