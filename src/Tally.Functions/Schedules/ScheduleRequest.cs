using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tally.Batches;
using Tally.Callbacks;
using Tally.Fetching;
using Tally.Functions.Http;
using Tally.Hosting;
using Tally.Jobs;
using Tally.Schedules;

namespace Tally.Functions.Schedules;

/// <summary>
/// Reads <c>PUT /api/schedules/{name}</c>'s body, <c>{"cron", "timeZone", "mode", "urls", "maxParallelism", "callbackUrl",
/// "callbackMode"}</c>: the cron and its zone checked by Cronos, the URLs and the callback as <c>POST /api/jobs</c> or
/// <c>POST /api/batches</c> reads them (by mode).
/// </summary>
internal static class ScheduleRequest
{
    private const string Shape = "Send {\"cron\": \"0 6 * * *\", \"timeZone\": \"Europe/Paris\", \"urls\": [\"https://…\"], \"mode\": \"jobs\"} (or \"mode\": \"batch\", \"maxParallelism\": 16).";

    /// <summary>The definition asked for, or the problem answer that says what to change.</summary>
    public static async Task<(ScheduleDefinition? Definition, IActionResult? Problem)> ReadAsync(
        HttpRequest request, FetchOptions fetch, JobsOptions jobs, BatchesOptions batches, CallbacksOptions callbacks, CancellationToken cancellationToken)
    {
        if (JsonContentType.Refusal(request) is { } refusal)
        {
            return (null, refusal);
        }

        // The body is read twice: here for the schedule's own fields, then by the URL reader of its mode.
        request.EnableBuffering();
        var maxBodyBytes = 4096L + (long)Math.Max(jobs.MaxUrlsPerRequest, batches.MaxUrls) * (fetch.MaxUrlLength + 8);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(new ByteLimitStream(request.Body, maxBodyBytes), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, Problems.BadRequest($"The request body is not valid JSON. {Shape}"));
        }
        catch (ByteLimitStream.TooLongException)
        {
            return (null, Problems.TooLarge($"The request body is larger than {maxBodyBytes:N0} bytes."));
        }

        string? cron, timeZone, mode;
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.BadRequest($"The request body is not a JSON object. {Shape}"));
            }

            (cron, var cronProblem) = Text(document.RootElement, "cron");
            (timeZone, var zoneProblem) = Text(document.RootElement, "timeZone");
            (mode, var modeProblem) = Text(document.RootElement, "mode");
            if ((cronProblem ?? zoneProblem ?? modeProblem) is { } problem)
            {
                return (null, problem);
            }
        }

        mode ??= ScheduleModes.Jobs;
        if (mode is not (ScheduleModes.Jobs or ScheduleModes.Batch))
        {
            return (null, Problems.BadRequest($"\"mode\" must be \"jobs\" (a job for each URL) or \"batch\" (one batch over them); '{mode}' is neither."));
        }

        var (_, cronError) = CronSchedule.Parse(cron, timeZone);
        if (cronError is not null)
        {
            return (null, Problems.BadRequest(cronError));
        }

        request.Body.Position = 0;
        var reader = mode == ScheduleModes.Batch ? UrlListRequest.Batch(batches.MaxUrls, batches.MaxParallelism) : UrlListRequest.Jobs(jobs.MaxUrlsPerRequest);
        var (list, urlProblem) = await reader.ReadAsync(request, fetch, callbacks, cancellationToken).ConfigureAwait(false);
        if (urlProblem is not null)
        {
            return (null, urlProblem);
        }

        return list!.RunAt is not null || list.Delay is not null
            ? (null, Problems.BadRequest("A schedule's runs are due at its occurrences: leave \"runAt\" and \"delay\" out, or use POST /api/jobs for one delayed run."))
            : (new ScheduleDefinition(cron!.Trim(), timeZone!, mode, list.Urls, list.MaxParallelism, list.Callback), null);
    }

    private static (string? Text, IActionResult? Problem) Text(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? (null, null)
        : value.ValueKind == JsonValueKind.String ? (value.GetString(), null)
        : (null, Problems.BadRequest($"\"{name}\" must be a string, not a {value.ValueKind.ToString().ToLowerInvariant()}. {Shape}"));
}
