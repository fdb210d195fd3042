namespace Tally.Time;

/// <summary>How long a queue message that must not be seen before a due time is hidden.</summary>
/// <remarks>
/// Azure queues hide a message at most seven days. A message due later is hidden for seven days, and when it arrives
/// early it sends itself again for the time left; so any delay works, one hop a week.
/// </remarks>
public static class QueueDelay
{
    /// <summary>The longest a queue hides a message.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(7);

    /// <summary>A time-to-live that never ends: a delayed message must outlive its hiding (the default lives seven days).</summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>How long to hide a message due at <paramref name="dueAt"/>, sent at <paramref name="now"/>: the time left, at most <see cref="Max"/>, none when due.</summary>
    public static TimeSpan Until(DateTimeOffset dueAt, DateTimeOffset now) =>
        dueAt <= now ? TimeSpan.Zero : dueAt - now > Max ? Max : dueAt - now;
}
