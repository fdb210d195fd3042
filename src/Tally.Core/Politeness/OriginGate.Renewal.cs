namespace Tally.Politeness;

/// <summary>The gate's side of its renewal loop (<see cref="OriginLimiter"/>): what to ask of the shared table, what it granted, when to renew and when to stop.</summary>
internal sealed partial class OriginGate
{
    /// <summary>What to ask of the shared table: the limits, the slots wanted and in use, and a pause to publish.</summary>
    public ShareRequest Demand(int limit)
    {
        lock (_lock)
        {
            _window.LimitTo(limit);
            var window = _window.Slots;
            var pause = _pauseUnpublished ? _pause : null;
            _pauseUnpublished = false;
            return new ShareRequest(limit, window, Math.Min(window, _inFlight + _waiters.Count), _inFlight, pause);
        }
    }

    /// <summary>Applies a renewal: the slots now held, until <paramref name="expires"/>, and the origin's pause.</summary>
    public void Apply(ShareGrant grant, ShareRequest asked, DateTimeOffset expires, double? requestsPerSecond)
    {
        lock (_lock)
        {
            _granted = grant.Slots;
            _recorded = Math.Max(grant.Slots, asked.InUse);
            _grantExpires = expires;
            _pace.SpaceBy(requestsPerSecond is { } rate ? TimeSpan.FromSeconds(grant.Holders / rate) : TimeSpan.Zero);
            if (grant.Pause is { } pause && (_pause is null || pause.Until > _pause.Until))
            {
                _pause = pause;
            }

            WakeLocked(clock.GetUtcNow());
        }
    }

    /// <summary>Whether the gate has had nothing to do for <paramref name="idle"/>.</summary>
    public bool IdleFor(TimeSpan idle)
    {
        lock (_lock)
        {
            return IdleForLocked(idle);
        }
    }

    /// <summary>Stops the gate's renewal loop if it still has nothing to do (its share was given back); the next fetch starts another.</summary>
    public bool TryStop(TimeSpan idle)
    {
        lock (_lock)
        {
            if (!IdleForLocked(idle))
            {
                return false;
            }

            (_granted, _recorded, _renewing) = (0, 0, false);
            return true;
        }
    }

    /// <summary>Waits until something asks for a renewal, or <paramref name="interval"/> passes (shorter while this instance wants more than it has).</summary>
    public async Task WaitForRenewalAsync(TimeSpan interval, TimeSpan whenShort, CancellationToken stopping)
    {
        Task signal;
        lock (_lock)
        {
            if (_renew.Task.IsCompleted)
            {
                _renew = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            signal = _renew.Task;
            interval = ShortLocked ? whenShort : interval;
        }

        await Task.WhenAny(signal, Task.Delay(interval, clock, stopping)).ConfigureAwait(false);
    }

    /// <summary>Whether this instance wants more slots than its share holds.</summary>
    private bool ShortLocked => _inFlight + _waiters.Count > _granted;

    private bool IdleForLocked(TimeSpan idle) => _inFlight == 0 && _waiters.Count == 0 && !_pauseUnpublished && clock.GetUtcNow() - _idleSince >= idle;
}
