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
/// the origin and the other instances live in. When the app stops, its loops end and its shares are given back, so the
/// other instances need not wait for them to lapse.
/// </remarks>
public sealed partial class OriginLimiter(
    IOriginShares shares, RobotsTxtCache robots, IOptionsMonitor<PolitenessOptions> options, IOptionsMonitor<FetchOptions> fetch, ILogger<OriginLimiter> logger)
    : IAsyncDisposable, IDisposable
{
    /// <summary>How long giving the shares back may take when the app stops; past it, they lapse on their own.</summary>
    private static readonly TimeSpan ReleaseOnStop = TimeSpan.FromSeconds(2);

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
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Takes a slot of <paramref name="url"/>'s origin, waiting for it as its limits say; the wait is added to <see cref="PoliteWait"/>.</summary>
    /// <exception cref="OriginPausedException">The origin is paused, or its limits would hold the fetch too long.</exception>
    internal async Task<OriginSlot> AcquireAsync(Uri url, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(OriginName.Of(url), origin => new OriginGate(origin, _clock, g => Task.Run(() => RenewLoopAsync(g), CancellationToken.None)));
        gate.SlowTo(LimitsOf(gate.Origin).Rate); // a Crawl-delay kept since the last renewal

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
        while (!_stopping.IsCancellationRequested)
        {
            var (limit, rate) = LimitsOf(gate.Origin);
            var asked = gate.Demand(limit);
            var idle = asked.Want == 0 && asked.InUse == 0 && asked.Pause is null;
            if (!idle || gate.IdleFor(IdleRelease))
            {
                try
                {
                    var now = _clock.GetUtcNow();
                    var grant = await shares.RenewAsync(gate.Origin, _instance, asked, now, _stopping.Token).ConfigureAwait(false);
                    gate.Apply(grant, asked, now + OriginShares.Lease - RenewEvery - RenewEvery, rate);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
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

            await gate.WaitForRenewalAsync(RenewEvery, RenewWhenShort, _stopping.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the renewal loops and gives back this instance's shares, within <see cref="ReleaseOnStop"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(ReleaseOnStop);
        var nothing = new ShareRequest(0, 0, 0, 0, null);
        foreach (var origin in _gates.Keys)
        {
            try
            {
                await shares.RenewAsync(origin, _instance, nothing, _clock.GetUtcNow(), deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogReleaseFailed(ex, origin); // it lapses with its lease
            }
        }

    }

    /// <summary>Ends the renewal loops; the shares lapse with their lease (<see cref="DisposeAsync"/> gives them back).</summary>
    public void Dispose() => _stopping.Cancel();

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not give back this instance's share of {Origin} as it stopped; the share lapses with its lease")]
    private partial void LogReleaseFailed(Exception exception, string origin);
}
