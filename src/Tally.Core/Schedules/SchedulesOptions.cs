using System.ComponentModel.DataAnnotations;

namespace Tally.Schedules;

/// <summary>Schedule settings, bound from <c>Tally:Schedules</c>.</summary>
public sealed class SchedulesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Schedules";

    /// <summary>
    /// How late an occurrence may still run: when the app was down (or a tick was lost) over an occurrence, it runs once
    /// when the app is back if no more than this late, and is recorded as <c>missed</c> otherwise.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan MisfireWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recent runs <c>GET /api/schedules/{name}</c> shows.</summary>
    [Range(1, 100)]
    public int RecentRuns { get; set; } = 10;

    /// <summary>The most schedules one listing returns.</summary>
    [Range(1, 1000)]
    public int MaxListSize { get; set; } = 100;
}
