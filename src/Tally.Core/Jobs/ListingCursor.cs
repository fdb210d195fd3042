using Tally.Hosting;

namespace Tally.Jobs;

/// <summary>
/// Where a listing goes on from: the start of an hour of the index, the start of a request, or a request after one of
/// its jobs (after all of them, <see cref="EndOfRequest"/>). As a token, opaque to clients.
/// </summary>
/// <remarks>
/// A token is checked against the listing's own window (<see cref="IsWithin"/>): it names an hour the listing reads, so
/// a forged one can only ask for what a client may ask for anyway, and each page is bounded by its
/// <see cref="ListingBudget"/> whatever it names. Nothing is signed, so no key has to be shared by instances or rotated.
/// </remarks>
/// <param name="Partition">The index hour (see <see cref="JobIndex.Partition"/>).</param>
/// <param name="RequestKey">The request in that hour to go on from, inclusive; null for the hour's first.</param>
/// <param name="Row">The request's last job already listed; null when none was.</param>
public sealed record ListingCursor(string Partition, string? RequestKey, string? Row)
{
    /// <summary>After the job <paramref name="jobId"/>, the last one a page returned.</summary>
    public ListingCursor(string jobId)
        : this(JobIndex.Partition(JobIds.RequestTime(jobId)), JobIds.Split(jobId).PartitionKey, JobIds.Split(jobId).RowKey)
    {
    }

    /// <summary>A row after every job's row (a request holds at most 10,000 jobs, <c>270f</c>): the request is done.</summary>
    public const string EndOfRequest = "ffff";

    /// <summary>How far ahead of this instance's clock a token's hour may be: another instance's clock may run ahead.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const int HourLength = 8;

    /// <summary>From the first job of <paramref name="requestKey"/>.</summary>
    public static ListingCursor AtRequest(string requestKey) => new(JobIndex.Partition(JobIds.RequestTime(requestKey)), requestKey, null);

    /// <summary>From the request after <paramref name="requestKey"/>.</summary>
    public static ListingCursor AfterRequest(string requestKey) => AtRequest(requestKey) with { Row = EndOfRequest };

    /// <summary>From the first request of the index hour <paramref name="partition"/>.</summary>
    public static ListingCursor AtHour(string partition) => new(partition, null, null);

    /// <summary>The cursor as a continuation token.</summary>
    public string ToToken() => PageToken.Of(RequestKey is null ? Partition : RequestKey + Row);

    /// <summary>Reads a continuation token; null when it is not one.</summary>
    public static ListingCursor? FromToken(string? token)
    {
        if (PageToken.Read(token, 64) is not { } text || !JobIds.IsHex(text))
        {
            return null;
        }

        try
        {
            return text.Length switch
            {
                HourLength => AtHour(text),
                JobIds.KeyLength => AtRequest(text),
                JobIds.Length => new ListingCursor(text),
                _ => null,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // a request clock past the year 9999
        }
    }

    /// <summary>
    /// Whether the cursor names an hour of a listing's window, requests made from <paramref name="oldest"/> to
    /// <paramref name="newest"/>: a token from the future or from before the window is not one that listing gave.
    /// </summary>
    public bool IsWithin(DateTimeOffset newest, DateTimeOffset oldest) => JobIndex.IsBetween(Partition, newest + ClockSkew, oldest);
}
