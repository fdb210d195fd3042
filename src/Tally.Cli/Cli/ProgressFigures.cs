using System.Globalization;

namespace Tally.Cli.Cli;

/// <summary>How far some work has got.</summary>
/// <param name="Done">Items finished.</param>
/// <param name="Total">Items in all.</param>
/// <param name="Failed">Of those finished, the ones that failed.</param>
public sealed record Counts(int Done, int Total, int Failed);

/// <summary>Done of total, failed, the rate since watching began and the time left at that rate: what a progress bar and a progress line say.</summary>
public sealed class ProgressFigures(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private int? _firstDone;

    /// <summary>The last counts reported.</summary>
    public Counts Last { get; private set; } = new(0, 0, 0);

    /// <summary>Takes the latest counts.</summary>
    public void Update(Counts counts)
    {
        _firstDone ??= counts.Done;
        Last = counts;
    }

    /// <summary>Items finished a second since watching began (work done before it is not counted as fast).</summary>
    public double Rate
    {
        get
        {
            var seconds = time.GetElapsedTime(_started).TotalSeconds;
            return seconds > 0 && _firstDone is { } first ? (Last.Done - first) / seconds : 0;
        }
    }

    /// <summary>The time left at <see cref="Rate"/>; null until something has finished.</summary>
    public TimeSpan? Eta => Rate > 0 ? TimeSpan.FromSeconds(Math.Ceiling((Last.Total - Last.Done) / Rate)) : null;

    /// <summary>For example <c>12/100 done, 2 failed, 3.4/s, ETA 0:00:26</c>.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Last.Done}/{Last.Total} done, {Last.Failed} failed, {Rate:0.0}/s, ETA {(Eta is { } eta ? eta.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "-")}");
}
