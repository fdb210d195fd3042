namespace Tally.Politeness;

/// <summary>
/// How long one unit of work (a job's run) waited for its origins' limits and pauses. The fetch pipeline adds to the
/// current one, which flows with the work's async calls, so the pipeline needs no parameter for it.
/// </summary>
public sealed class PoliteWait
{
    private static readonly AsyncLocal<PoliteWait?> Current = new();
    private long _ticks;

    /// <summary>The time waited.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Starts counting the waits of the calling async flow.</summary>
    public static PoliteWait Begin() => Current.Value = new PoliteWait();

    /// <summary>Adds <paramref name="wait"/> to the current flow's count, if one was begun.</summary>
    internal static void Add(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero && Current.Value is { } current)
        {
            Interlocked.Add(ref current._ticks, wait.Ticks);
        }
    }
}
