namespace Tally.Politeness;

/// <summary>
/// An origin's adaptive window inside one instance, AIMD as TCP's congestion window: a 429, a 5xx or a failed connection
/// halves it (at most once a second, so one burst of failures counts once), and each success adds one over the window
/// (one slot a window of successes), between 1 and the origin's limit.
/// </summary>
/// <remarks>Not thread-safe: its <see cref="OriginGate"/> calls it under its lock.</remarks>
internal sealed class CongestionWindow
{
    private double _window = double.MaxValue;
    private DateTimeOffset _lastDecrease;

    /// <summary>The origin's concurrency limit.</summary>
    public int Limit { get; private set; } = 1;

    /// <summary>The slots the window allows now, at most the limit.</summary>
    public int Slots => (int)Math.Min(_window, Limit);

    /// <summary>Takes the origin's limit as the settings say it now; a lower one narrows the window with it.</summary>
    public void LimitTo(int limit)
    {
        if (Limit != limit)
        {
            (Limit, _window) = (limit, Math.Min(_window, limit));
        }
    }

    /// <summary>Halves the window on an answer that says the origin is overloaded, widens it on any other.</summary>
    public void Record(bool congested, DateTimeOffset now)
    {
        if (congested && now - _lastDecrease > TimeSpan.FromSeconds(1))
        {
            _window = Math.Max(1, Math.Min(_window, Limit) / 2);
            _lastDecrease = now;
        }
        else if (!congested)
        {
            _window = Math.Min(Limit, _window + 1 / Math.Min(_window, Limit));
        }
    }
}
