namespace Tally.Politeness;

/// <summary>
/// One origin's limits inside one instance: the slots this instance's share allows (see <see cref="OriginShares"/>), the
/// fetches in flight and waiting, the pace its rate allows (<see cref="StartPace"/>), any pause, and the adaptive window
/// (<see cref="CongestionWindow"/>). The fetches' side is here; the renewal loop's side in OriginGate.Renewal.cs.
/// </summary>
internal sealed partial class OriginGate(string origin, TimeProvider clock, Action<OriginGate> startRenewing)
{
    /// <summary>A pause no longer than this is waited out in place; a longer one puts the work off.</summary>
    private static readonly TimeSpan InlinePause = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private TaskCompletionSource _renew = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CongestionWindow _window = new();
    private readonly StartPace _pace = new();
    private int _granted;
    private int _recorded;
    private DateTimeOffset _grantExpires;
    private int _inFlight;
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
                    throw new OriginPausedException(Origin, now + InlinePause, $"its {_window.Limit} slot(s) stayed busy for {maxWait.TotalSeconds:0.#} s");
                }

                waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!entered && pausedFor == TimeSpan.Zero)
                {
                    _waiters.AddLast(waiter);
                    if (ShortLocked)
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

    /// <summary>Starts a request on a slot taken: at once, or when the rate allows.</summary>
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
                    if (_pace.TryStart(now))
                    {
                        return slot;
                    }

                    if (_pace.Next > deadline)
                    {
                        throw new OriginPausedException(Origin, _pace.Next, $"its rate ({_pace.PerSecond:0.##} requests a second here) is taken up until then");
                    }

                    delay = _pace.Next - now;
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
            _window.Record(congested, now);

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

        lock (_lock)
        {
            _pace.SlowTo(TimeSpan.FromSeconds(1 / rate));
        }
    }

    private int Capacity(DateTimeOffset now) => _grantExpires > now ? Math.Min(_granted, _window.Slots) : 0;

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
