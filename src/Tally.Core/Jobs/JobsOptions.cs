using System.ComponentModel.DataAnnotations;

namespace Tally.Jobs;

/// <summary>Job settings, bound from <c>Tally:Jobs</c>.</summary>
public sealed class JobsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tally:Jobs";

    /// <summary>How long a job's record and result are kept after it is enqueued or finishes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan ResultTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most URLs one <c>POST /api/jobs</c> may enqueue.</summary>
    [Range(1, 10_000)]
    public int MaxUrlsPerRequest { get; set; } = 1000;

    /// <summary>The most jobs one listing returns.</summary>
    [Range(1, 1000)]
    public int MaxListSize { get; set; } = 200;
}
