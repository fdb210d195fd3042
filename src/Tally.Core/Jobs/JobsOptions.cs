using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Tally.Fetching;

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

    /// <summary>
    /// How long a worker's claim on a running job holds. A run never lasts longer (the fetch has its own
    /// timeout, and host.json's functionTimeout ends the function), so when a job's message comes back
    /// after this, its worker has died and the delivery takes the job over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far ahead a delayed job may be due (<c>runAt</c> or <c>delay</c> on <c>POST /api/jobs</c>).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How often a delivery that is still running its jobs shows they are alive: it writes its request's <c>running</c>
    /// index row again (see <see cref="JobHeartbeat"/>). A run shorter than this writes nothing more than its claim.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a running job may go without a sign of life (its claim, or a heartbeat of its request) before its worker
    /// counts as dead and <see cref="JobReviver"/> runs it again under a new run. At least two heartbeats, so one lost
    /// write never makes a live worker look dead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a job whose worker died is run again at once. Past it, the job waits for its own message to come
    /// back (the host's 10 minutes), whose deliveries run out into the poison queue if its worker keeps dying.
    /// </summary>
    [Range(0, 100)]
    public int MaxRevivals { get; set; } = 3;

    /// <summary>The most jobs one listing returns.</summary>
    [Range(1, 1000)]
    public int MaxListSize { get; set; } = 200;
}

/// <summary>Checks <see cref="JobsOptions"/> against the fetch settings it depends on.</summary>
internal sealed class JobsOptionsValidator(IOptionsMonitor<FetchOptions> fetch)
    : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        FetchOptions fetchOptions;
        try
        {
            fetchOptions = fetch.CurrentValue;
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Skip; // the fetch settings report their own error
        }

        if (options.ClaimTimeout <= fetchOptions.Timeout)
        {
            return ValidateOptionsResult.Fail(
                $"Tally:Jobs:ClaimTimeout ({options.ClaimTimeout}) must be longer than Tally:Fetch:Timeout ({fetchOptions.Timeout}): "
                + "a claim must outlast the longest fetch, or a live worker's job would be taken over.");
        }

        return options.HeartbeatTimeout >= 2 * options.HeartbeatInterval
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Tally:Jobs:HeartbeatTimeout ({options.HeartbeatTimeout}) must be at least twice Tally:Jobs:HeartbeatInterval ({options.HeartbeatInterval}): "
                + "one heartbeat lost to storage trouble must not make a live worker look dead.");
    }
}
