using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tally.Functions.Http;
using Tally.Jobs;
using Tally.Jobs.Search;

namespace Tally.Functions.Jobs;

/// <summary>
/// What <c>GET /api/jobs</c> asks for: <c>?status=</c> (a status's jobs), <c>?request=</c> (a request's jobs, in any
/// status or in <c>?status=</c>), either narrowed by <c>?origin=</c>; with <c>?limit=</c> and <c>?continuation=</c>.
/// </summary>
/// <param name="Status">The status asked for; null for a request's jobs in any status.</param>
/// <param name="Request">The request whose jobs are asked for; null for a status's jobs.</param>
/// <param name="Origin">The origin the jobs must be of; null for any.</param>
/// <param name="Limit">The most jobs to answer.</param>
/// <param name="After">Where the previous page ended; null for the first.</param>
internal sealed record JobListQuery(JobStatus? Status, string? Request, OriginFilter? Origin, int Limit, ListingCursor? After)
{
    /// <summary>Reads the query, or the 400 answer that says what to change.</summary>
    public static (JobListQuery? Query, ObjectResult? Problem) Read(HttpRequest request, int maxLimit)
    {
        string? statusText = request.Query["status"];
        string? requestId = request.Query["request"];
        var status = default(JobStatus?);
        if (statusText is not null || requestId is null)
        {
            if (!JobStatusNames.TryParse(statusText, out var parsed))
            {
                var names = string.Join(", ", Enum.GetValues<JobStatus>().Select(s => s.ToName()));
                return (null, Problems.BadRequest($"Give ?status= one of {names}, or ?request= a request id; '{statusText}' is not one of them."));
            }

            status = parsed;
        }

        if (requestId is not null && !JobIds.IsValidKey(requestId))
        {
            return (null, Problems.BadRequest($"?request= must be a request id (the requestId of a job, {JobIds.KeyLength} lower-case hex digits); '{requestId}' is not one."));
        }

        string? originText = request.Query["origin"];
        var origin = OriginFilter.Parse(originText);
        if (originText is not null && origin is null)
        {
            return (null, Problems.BadRequest($"?origin= must be a host (example.com), a host and port (example.com:8080) or an origin (https://example.com); '{originText}' is none of them."));
        }

        var ofThisListing = (string token) => ListingCursor.FromToken(token) is { } cursor && (requestId is null || cursor.RequestKey == requestId) ? cursor : null;
        if (!PageQuery.TryRead(request, maxLimit, maxLimit, ofThisListing, out var limit, out var after, out var problem))
        {
            return (null, problem);
        }

        return (new JobListQuery(status, requestId, origin, limit, after), null);
    }
}
