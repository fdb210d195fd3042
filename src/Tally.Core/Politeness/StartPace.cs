namespace Tally.Politeness;

/// <summary>
/// The pace of an origin's request starts inside one instance. Each start is spaced from the last actual one (not from a
/// planned time), so a timer that fires late never lets the next starts bunch up behind it.
/// </summary>
/// <remarks>Not thread-safe: its <see cref="OriginGate"/> calls it under its lock.</remarks>
internal sealed class StartPace
{
    private TimeSpan _interval;

    /// <summary>The earliest the next request may start.</summary>
    public DateTimeOffset Next { get; private set; }

    /// <summary>The requests a second the pace allows.</summary>
    public double PerSecond => 1 / _interval.TotalSeconds;

    /// <summary>Starts a request at <paramref name="now"/> if the pace allows one then.</summary>
    public bool TryStart(DateTimeOffset now)
    {
        if (_interval != TimeSpan.Zero && now < Next)
        {
            return false;
        }

        Next = now + _interval;
        return true;
    }

    /// <summary>Spaces starts <paramref name="interval"/> apart (zero: unpaced).</summary>
    public void SpaceBy(TimeSpan interval) => _interval = interval;

    /// <summary>Spaces starts at least <paramref name="interval"/> apart from the last one, at once.</summary>
    public void SlowTo(TimeSpan interval)
    {
        if (interval > _interval)
        {
            Next += interval - _interval; // the last start plus the new interval, as TryStart spaces them
            _interval = interval;
        }
    }
}
