using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Tally.Politeness;

/// <summary>How Tally treats the sites it fetches, bound from <c>Tally:Politeness</c>.</summary>
public sealed class PolitenessOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Politeness";

    /// <summary>The most requests to one origin at once, across every instance, unless <see cref="Origins"/> says otherwise.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentPerOrigin { get; set; } = 16;

    /// <summary>The most requests a second to one origin, across every instance; none by default.</summary>
    [Range(0.01, 100_000)]
    public double? RequestsPerSecondPerOrigin { get; set; }

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

    /// <summary>Limits for particular origins, overriding the defaults.</summary>
    public List<OriginLimits> Origins { get; set; } = [];

    /// <summary>
    /// The name of the storage connection politeness keeps its tables in (<c>TallyOrigins</c>, <c>TallyValidators</c>),
    /// read as <c>AzureWebJobsStorage</c> is read: a connection string, or <c>{name}__tableServiceUri</c> with an identity.
    /// </summary>
    /// <remarks>
    /// The app's own account by default. An account of its own takes validators' calls, one or two a job for origins
    /// that send them, off the jobs' account: the first limit the capacity model reaches (docs/scale.md).
    /// </remarks>
    [Required]
    public string StorageConnection { get; set; } = Jobs.JobStorage.Connection;
}

/// <summary>One origin's own limits (<c>Tally:Politeness:Origins:{n}</c>).</summary>
public sealed class OriginLimits
{
    /// <summary>The origin as the WHATWG URL standard serializes it: <c>https://example.com</c>, <c>http://127.0.0.1:8080</c>.</summary>
    public string Origin { get; set; } = "";

    /// <summary>Its concurrency limit, if not the default.</summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>Its rate limit in requests a second, if not the default.</summary>
    public double? RequestsPerSecond { get; set; }
}

/// <summary>Checks the per-origin overrides, which data annotations do not reach.</summary>
internal sealed class PolitenessOptionsValidator : IValidateOptions<PolitenessOptions>
{
    public ValidateOptionsResult Validate(string? name, PolitenessOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Origins.Count; i++)
        {
            var entry = options.Origins[i];
            var key = $"{PolitenessOptions.Section}:Origins:{i}";
            if (!OriginName.TryParse(entry.Origin, out var origin) || origin != entry.Origin)
            {
                errors.Add($"{key}:Origin ('{entry.Origin}') must be an origin as the WHATWG URL standard writes it: scheme://host[:port], the default port left out, no path or trailing slash"
                    + (origin is null ? "." : $" ('{origin}')."));
            }

            if (entry.MaxConcurrent is < 1 or > 1000)
            {
                errors.Add($"{key}:MaxConcurrent ({entry.MaxConcurrent}) must be between 1 and 1000.");
            }

            if (entry.RequestsPerSecond is < 0.01 or > 100_000)
            {
                errors.Add($"{key}:RequestsPerSecond ({entry.RequestsPerSecond}) must be between 0.01 and 100000.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
