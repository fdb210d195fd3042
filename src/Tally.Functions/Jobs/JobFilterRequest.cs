using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tally.Functions.Http;
using Tally.Hosting;
using Tally.Jobs;
using Tally.Jobs.Bulk;

namespace Tally.Functions.Jobs;

/// <summary>
/// Reads a bulk action's body: <c>{"request": "…"}</c> (a request's jobs) or <c>{"status": "failed", "from": "…", "to": "…"}</c>
/// (a status's jobs whose request was made in that range, each end optional), with the <c>"continuation"</c> of a
/// previous call to go on from where it stopped, and <c>"dryRun": true</c> to count the jobs matched without changing them.
/// </summary>
internal static class JobFilterRequest
{
    private const long MaxBodyBytes = 4096;

    private static readonly string[] Properties = ["request", "status", "from", "to", "continuation", "dryRun"];

    /// <summary>The filter asked for and whether only to count, or the problem answer that explains why there is none.</summary>
    /// <param name="request">The HTTP request.</param>
    /// <param name="defaultStatus">The status a request's jobs are taken in when none is given.</param>
    /// <param name="accepts">Whether the action can change a job in a status.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<(JobFilter? Filter, bool DryRun, ObjectResult? Problem)> ReadAsync(
        HttpRequest request, JobStatus defaultStatus, Func<JobStatus, bool> accepts, CancellationToken cancellationToken)
    {
        var shape = $"Send {{\"request\": \"<requestId>\"}} or {{\"status\": \"{defaultStatus.ToName()}\", \"from\": \"2025-01-01T00:00:00Z\", \"to\": \"2025-01-02T00:00:00Z\"}}.";
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(new ByteLimitStream(request.Body, MaxBodyBytes), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, false, Problems.BadRequest($"The request body is not valid JSON. {shape}"));
        }
        catch (ByteLimitStream.TooLongException)
        {
            return (null, false, Problems.TooLarge($"The request body is larger than {MaxBodyBytes:N0} bytes. {shape}"));
        }

        using (document)
        {
            var (filter, problem) = Read(document.RootElement, defaultStatus, accepts, shape);
            if (problem is not null)
            {
                return (null, false, problem);
            }

            return document.RootElement.TryGetProperty("dryRun", out var dryRun) && dryRun.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                ? (null, false, Problems.BadRequest($"\"dryRun\" must be true (count the jobs matched, change none) or false; {dryRun.GetRawText()} is neither."))
                : (filter, dryRun.ValueKind == JsonValueKind.True, null);
        }
    }

    private static (JobFilter?, ObjectResult?) Read(JsonElement root, JobStatus defaultStatus, Func<JobStatus, bool> accepts, string shape)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.BadRequest($"The request body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object. {shape}"));
        }

        if (root.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !Properties.Contains(name)) is { } unknown)
        {
            return (null, Problems.BadRequest($"\"{unknown}\" is not a filter; give {string.Join(", ", Properties.Select(p => $"\"{p}\""))}. {shape}"));
        }

        var requestId = Text(root, "request");
        var statusText = Text(root, "status");
        if (requestId is null && statusText is null)
        {
            return (null, Problems.BadRequest($"The filter names neither a request nor a status. {shape}"));
        }

        if (requestId is not null && !JobIds.IsValidKey(requestId))
        {
            return (null, Problems.BadRequest($"\"request\" must be a request id (the requestId of a job, {JobIds.KeyLength} lower-case hex digits); '{requestId}' is not one."));
        }

        var status = defaultStatus;
        if (statusText is not null && (!JobStatusNames.TryParse(statusText, out status) || !accepts(status)))
        {
            var names = Enum.GetValues<JobStatus>().Where(accepts).Select(s => s.ToName());
            return (null, Problems.BadRequest($"\"status\" must be {string.Join(" or ", names)} for this action; '{statusText}' is not."));
        }

        var (from, fromProblem) = Time(root, "from");
        var (to, toProblem) = Time(root, "to");
        if ((fromProblem ?? toProblem) is { } problem)
        {
            return (null, problem);
        }

        if (requestId is not null && (from is not null || to is not null))
        {
            return (null, Problems.BadRequest("\"from\" and \"to\" narrow a status's jobs; a request's jobs are taken whenever it was made. Give one filter or the other."));
        }

        if (from > to)
        {
            return (null, Problems.BadRequest($"\"from\" ({from:O}) is after \"to\" ({to:O}); swap them."));
        }

        var token = Text(root, "continuation");
        var after = ListingCursor.FromToken(token);
        if (token is not null && (after is null || (requestId is not null && after.RequestKey != requestId)))
        {
            return (null, Problems.BadRequest($"\"continuation\" must be the 'continuation' of a previous answer of this action with the same filter; '{token}' is not one."));
        }

        return (new JobFilter(requestId, status, from, to, after), null);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (DateTimeOffset?, ObjectResult?) Time(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        return value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? (time, null)
            : (null, Problems.BadRequest($"\"{name}\" must be an ISO 8601 time such as \"2025-01-01T00:00:00Z\"; {value.GetRawText()} is not."));
    }
}
