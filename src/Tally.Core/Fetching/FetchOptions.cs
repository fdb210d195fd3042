using System.ComponentModel.DataAnnotations;

namespace Tally.Fetching;

/// <summary>Limits on fetching a page, bound from <c>Tally:Fetch</c>.</summary>
public sealed class FetchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Fetch";

    /// <summary>The whole fetch (connect, redirects, headers and body) must finish within this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most body bytes read from one page; a larger page fails as too large.</summary>
    [Range(1L, 1L << 40)]
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most redirects followed for one page.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>The longest URL accepted.</summary>
    [Range(16, 65536)]
    public int MaxUrlLength { get; set; } = 2048;

    /// <summary>
    /// Lets fetches reach loopback, private, link-local and other non-public addresses.
    /// Off in Azure, where it would expose the platform's internal endpoints; on for local pages and tests.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The User-Agent sent with each request.</summary>
    [Required, MinLength(1)]
    public string UserAgent { get; set; } = "Tally/1.0 (+https://github.com/tally-jobs/tally)";
}
