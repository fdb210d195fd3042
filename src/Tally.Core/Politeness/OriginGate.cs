namespace Tally.Politeness;

/// <summary>
/// One origin's limits inside one instance: the slots this instance's share allows (see <see cref="OriginShares"/>), the
/// fetches in flight and waiting, the pace its rate allows, any pause, and the adaptive window.
/// </summary>
/// <remarks>
/// The window is AIMD, as TCP's congestion window: a 429, a 5xx or a failed connection halves it (at most once a second,
/// so one burst of failures counts once), and each success adds one over the window (one slot a window of successes),
/// between 1 and the origin's limit.
/// </remarks>
internal sealed class OriginGate(string origin, TimeProvider clock, Action<OriginGate> startRenewing)
{
    /// <summary>A pause no longer than this is waited out in place; a longer one puts the work off.</summary>
    private static readonly TimeSpan InlinePause = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private TaskCompletionSource _renew = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _limit = 1;
    private double _window = double.MaxValue;
    private DateTimeOffset _lastDecrease;
    private int _granted;
    private int _recorded;
    private DateTimeOffset _grantExpires;
    private int _inFlight;
    private TimeSpan _interval;
    private DateTimeOffset _nextStart;
    private OriginPause? _pause;
    private bool _pauseUnpublished;
    private DateTimeOffset _idleSince;

    public string Origin { get; } = origin;

    /// <summary>Whether a renewal loop runs for the gate: started by the first fetch, stopped by <see cref="TryStop"/>.</summary>
    private bool _renewing;

    /// <summary>Takes a slot, waiting at most <paramref name="maxWait"/> for one.</summary>
    /// <exception cref="OriginPausedException">The origin is paused, or no slot came in time: put the work off.</exception>
    public async Task<OriginSlot> EnterAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + maxWait;
        while (true)
        {
            TaskCompletionSource<bool> waiter;
            var pausedFor = TimeSpan.Zero;
            var entered = false;
            lock (_lock)
            {
                if (!_renewing)
                {
                    _renewing = true;
                    startRenewing(this);
                }

                var now = clock.GetUtcNow();
                if (_pause is { } pause && pause.Until > now)
                {
                    if (pause.Until - now > InlinePause || pause.Until > deadline)
                    {
                        throw new OriginPausedException(Origin, pause.Until, pause.Reason);
                    }

                    pausedFor = pause.Until - now;
                }
                else if (_inFlight < Capacity(now) && _waiters.Count == 0)
                {
                    _inFlight++;
                    entered = true;
                }
                else if (now >= deadline)
                {
                    throw new OriginPausedException(Origin, now + InlinePause, $"its {_limit} slot(s) stayed busy for {maxWait.TotalSeconds:0.#} s");
                }

                waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!entered && pausedFor == TimeSpan.Zero)
                {
                    _waiters.AddLast(waiter);
                    if (_inFlight + _waiters.Count > _granted)
                    {
                        _renew.TrySetResult();
                    }
                }
            }

            if (entered)
            {
                return await StartAsync(deadline, cancellationToken).ConfigureAwait(false);
            }

            if (pausedFor > TimeSpan.Zero)
            {
                await Task.Delay(pausedFor, clock, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await waiter.Task.WaitAsync(Max(deadline - clock.GetUtcNow(), TimeSpan.Zero), clock, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // once more round the loop: it throws the busy pause, unless a slot came just now
            }
            catch (OperationCanceledException)
            {
                lock (_lock)
                {
                    _waiters.Remove(waiter);
                }

                if (waiter.Task.IsCompletedSuccessfully && waiter.Task.Result)
                {
                    Release(congested: false); // handed a slot as the wait was canceled
                }

                throw;
            }
            finally
            {
                lock (_lock)
                {
                    _waiters.Remove(waiter);
                }
            }

            if (waiter.Task.IsCompletedSuccessfully && waiter.Task.Result)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Release(congested: false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return await StartAsync(deadline, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Starts a request on a slot taken: at once, or when the rate allows. Each start is spaced from the last actual
    /// one (not from a planned time), so a timer that fires late never lets the next starts bunch up behind it.
    /// </summary>
    private async Task<OriginSlot> StartAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var slot = new OriginSlot(this);
        try
        {
            while (true)
            {
                TimeSpan delay;
                lock (_lock)
                {
                    var now = clock.GetUtcNow();
                    if (_interval == TimeSpan.Zero || now >= _nextStart)
                    {
                        _nextStart = now + _interval;
                        return slot;
                    }

                    if (_nextStart > deadline)
                    {
                        throw new OriginPausedException(Origin, _nextStart, $"its rate ({1 / _interval.TotalSeconds:0.##} requests a second here) is taken up until then");
                    }

                    delay = _nextStart - now;
                }

                await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            slot.Release();
            throw;
        }
    }

    /// <summary>Gives a slot back, with what the origin's answer says of its load.</summary>
    public void Release(bool congested)
    {
        lock (_lock)
        {
            _inFlight--;
            var now = clock.GetUtcNow();
            if (congested && now - _lastDecrease > TimeSpan.FromSeconds(1))
            {
                _window = Math.Max(1, Math.Min(_window, _limit) / 2);
                _lastDecrease = now;
            }
            else if (!congested)
            {
                _window = Math.Min(_limit, _window + 1 / Math.Min(_window, _limit));
            }

            if (_inFlight == 0 && _waiters.Count == 0)
            {
                _idleSince = now;
            }

            if (_recorded > _granted && _inFlight <= _granted)
            {
                _renew.TrySetResult(); // give back the slots held above the share
            }

            WakeLocked(now);
        }
    }

    /// <summary>Pauses the origin until <paramref name="until"/> (a longer pause already known stands).</summary>
    public void Pause(DateTimeOffset until, string reason)
    {
        lock (_lock)
        {
            if (_pause is null || until > _pause.Until)
            {
                _pause = new OriginPause(until, reason);
                _pauseUnpublished = true;
                _renew.TrySetResult();
                foreach (var waiter in _waiters)
                {
                    waiter.TrySetResult(false); // to look again, and be put off
                }
            }
        }
    }

    /// <summary>What to ask of the shared table: the limits, the slots wanted and in use, and a pause to publish.</summary>
    public ShareRequest Demand(int limit)
    {
        lock (_lock)
        {
            if (_limit != limit)
            {
                (_limit, _window) = (limit, Math.Min(_window, limit));
            }

            var window = (int)Math.Min(_window, limit);
            var pause = _pauseUnpublished ? _pause : null;
            _pauseUnpublished = false;
            return new ShareRequest(limit, window, Math.Min(window, _inFlight + _waiters.Count), _inFlight, pause);
        }
    }

    /// <summary>
    /// Spaces starts at least <paramref name="requestsPerSecond"/>'s interval apart from the last one, at once: a
    /// <c>Crawl-delay</c> learnt from robots.txt holds from the very next request, not from the next renewal (which then
    /// splits the rate between the instances holding shares).
    /// </summary>
    public void SlowTo(double? requestsPerSecond)
    {
        if (requestsPerSecond is not { } rate)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(1 / rate);
        lock (_lock)
        {
            if (interval > _interval)
            {
                _nextStart += interval - _interval; // the last start plus the new interval, as StartAsync spaces them
                _interval = interval;
            }
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
            _interval = requestsPerSecond is { } rate ? TimeSpan.FromSeconds(grant.Holders / rate) : TimeSpan.Zero;
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
            return _inFlight == 0 && _waiters.Count == 0 && !_pauseUnpublished && clock.GetUtcNow() - _idleSince >= idle;
        }
    }

    /// <summary>Stops the gate's renewal loop if it still has nothing to do (its share was given back); the next fetch starts another.</summary>
    public bool TryStop(TimeSpan idle)
    {
        lock (_lock)
        {
            if (_inFlight > 0 || _waiters.Count > 0 || _pauseUnpublished || clock.GetUtcNow() - _idleSince < idle)
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
            interval = _inFlight + _waiters.Count > _granted ? whenShort : interval;
        }

        await Task.WhenAny(signal, Task.Delay(interval, clock, stopping)).ConfigureAwait(false);
    }

    /// <summary>The origin as this instance sees it.</summary>
    public (int InFlight, int Limit, OriginPause? Pause) Snapshot()
    {
        lock (_lock)
        {
            var pause = _pause is { } p && p.Until > clock.GetUtcNow() ? p : null;
            return (_inFlight, (int)Math.Min(_window, _limit), pause);
        }
    }

    private int Capacity(DateTimeOffset now) => _grantExpires > now ? Math.Min(_granted, (int)Math.Min(_window, _limit)) : 0;

    /// <summary>Hands the free slots to the first waiters (none while paused).</summary>
    private void WakeLocked(DateTimeOffset now)
    {
        if (_pause is { } pause && pause.Until > now)
        {
            return;
        }

        for (var node = _waiters.First; node is not null && _inFlight < Capacity(now); node = node.Next)
        {
            if (node.Value.TrySetResult(true))
            {
                _inFlight++;
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>A slot of an origin, held while a request and its body are under way.</summary>
internal sealed class OriginSlot(OriginGate gate)
{
    private int _released;

    /// <summary>Whether the origin's answer says it is overloaded (a 429, a 5xx, a failed connection).</summary>
    public bool Congested { get; set; }

    public OriginGate Gate => gate;

    /// <summary>Gives the slot back, once.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release(Congested);
        }
    }
}

/// <summary>What an instance asks of an origin's shared row.</summary>
/// <param name="Limit">The origin's concurrency limit.</param>
/// <param name="Window">The instance's adaptive window, at most the limit.</param>
/// <param name="Want">The slots it wants: its fetches in flight and waiting, at most the window.</param>
/// <param name="InUse">Its fetches in flight.</param>
/// <param name="Pause">A pause it learnt of, to publish.</param>
public sealed record ShareRequest(int Limit, int Window, int Want, int InUse, OriginPause? Pause);
