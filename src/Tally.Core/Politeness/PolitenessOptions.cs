using System.ComponentModel.DataAnnotations;

namespace Tally.Politeness;

/// <summary>How Tally treats the sites it fetches, bound from <c>Tally:Politeness</c>.</summary>
public sealed class PolitenessOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Politeness";

    /// <summary>Whether robots.txt is fetched and obeyed; when false it is never fetched.</summary>
    public bool ObeyRobotsTxt { get; set; } = true;

    /// <summary>The product token robots.txt groups are matched against.</summary>
    [Required, RegularExpression("^[A-Za-z_-]+$", ErrorMessage = "Tally:Politeness:UserAgent must be a robots.txt product token: letters, '_' and '-' only.")]
    public string UserAgent { get; set; } = "Tally";

    /// <summary>How long a fetched robots.txt (or a missing one) is used before it is fetched again; the RFC asks for at most a day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RobotsTxtCacheTime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long an unreachable robots.txt (a 5xx, 429, or no connection) disallows the whole origin before it is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RobotsTxtRetryTime { get; set; } = TimeSpan.FromMinutes(1);
}
