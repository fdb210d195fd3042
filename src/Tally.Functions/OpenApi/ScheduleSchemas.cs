using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Tally.Callbacks;
using Tally.Schedules;
using static Tally.Functions.OpenApi.ApiSchemas;
using static Tally.Functions.OpenApi.Schema;

namespace Tally.Functions.OpenApi;

/// <summary>The schedules' shapes (<c>/api/schedules</c>): the definition a PUT reads, and the schedule, run and page it answers.</summary>
internal static class ScheduleSchemas
{
    public static IEnumerable<KeyValuePair<string, IOpenApiSchema>> Create(Func<string, IOpenApiSchema> reference)
    {
        var mode = OneOf("jobs: a job for each URL every occurrence; batch: one batch over them.", ScheduleModes.Jobs, ScheduleModes.Batch);
        yield return new("ScheduleDefinition", WithExample(Open(
            "A schedule's definition: cron (five fields, or six with seconds first) in an IANA time zone, and the URLs each occurrence counts, as POST /api/jobs or POST /api/batches reads them.",
            ("cron", Text("A cron expression (Cronos): \"0 6 * * *\", or \"*/10 * * * * *\" with seconds.")),
            ("timeZone", Text("The IANA time zone the cron is read in, such as Europe/Paris or UTC.")),
            ("mode?", OneOf("jobs (default): a job for each URL every occurrence; batch: one batch over them.", ScheduleModes.Jobs, ScheduleModes.Batch)),
            ("url?", Text("The one URL to count (jobs mode).", "uri")),
            ("urls?", ListOf(Text("A URL to count.", "uri"), "The URLs to count.", minItems: 1)),
            ("maxParallelism?", Whole("A batch's most fetches in flight at once (batch mode).", minimum: 1)),
            ("callbackUrl?", Text("Where each run's jobs or batch call back (http or https), as POST /api/jobs and POST /api/batches take it.", "uri")),
            ("callbackMode?", OneOf("Jobs mode: job (default), a call per job; request, one request.completed call a run once everything it created is final.", CallbackModes.Job, CallbackModes.Request))),
            new JsonObject { ["cron"] = "0 6 * * *", ["timeZone"] = "Europe/Paris", ["mode"] = "jobs", ["urls"] = new JsonArray("https://example.com/") }));
        yield return new("ScheduleRun", Object(
            "One run of a schedule: an occurrence, and what it created.",
            ("dueAt", Instant("When the occurrence was due (for a triggered run, when it was asked for).")),
            ("startedAt", Instant("When a fire took it on.")),
            ("status", OneOf("created, missed (the app was down past the misfire window), or pending while its creation is under way.", ScheduleRunStatus.Created, ScheduleRunStatus.Missed, ScheduleRunStatus.Pending)),
            ("triggered", Flag("Whether it was asked for with POST /api/schedules/{name}/trigger.")),
            ("jobs?", ListOf(Text("A job id."), "The jobs it created (jobs mode, once created).")),
            ("jobUrls?", ListOf(Text("A job's status URL."), "Their status URLs, in the same order.")),
            ("batch?", Text("The batch it started (batch mode, once created).")),
            ("batchUrl?", Text("The batch's status URL."))));
        yield return new("Schedule", WithExample(Object(
            "A schedule: its definition, its next occurrences and (read alone) its recent runs.",
            ("name", Text("Its name: 1 to 64 letters, digits, '_' or '-'.")),
            ("cron", Text("The cron expression.")),
            ("timeZone", Text("The IANA time zone it is read in.")),
            ("mode", mode),
            ("maxParallelism?", Whole("A batch's parallelism, when given.")),
            ("urlCount", Whole("How many URLs each occurrence counts.")),
            ("paused", Flag("Whether occurrences are skipped (and not recorded).")),
            ("nextRuns", ListOf(Instant("An occurrence, UTC."), "The next five occurrences (none while paused).", maxItems: 5)),
            ("runs?", ListOf(reference("ScheduleRun"), "The most recent runs, newest first (absent in a listing).")),
            ("createdAt", Instant("When it was created.")),
            ("updatedAt", Instant("When its definition was last written.")),
            ("statusUrl", Text("Where it is read: /api/schedules/{name}.")),
            ("callbackUrl?", Text("Where each run's jobs or batch call back, when given.")),
            ("callbackMode?", OneOf("With callbackUrl: job (a call per job) or request (a call per run); batch runs make one call each.", CallbackModes.Job, CallbackModes.Request))),
            new JsonObject
            {
                ["name"] = "morning", ["cron"] = "0 6 * * *", ["timeZone"] = "Europe/Paris", ["mode"] = "jobs", ["urlCount"] = 1, ["paused"] = false,
                ["nextRuns"] = new JsonArray("2025-06-02T04:00:00+00:00"), ["runs"] = new JsonArray(), ["createdAt"] = "2025-06-01T12:00:00+00:00",
                ["updatedAt"] = "2025-06-01T12:00:00+00:00", ["statusUrl"] = "/api/schedules/morning",
            }));
        yield return new("ScheduleList", Object(
            "A page of schedules, by name; each one's runs are at its statusUrl.",
            ("schedules", ListOf(reference("Schedule"), "The schedules.")),
            ("continuation?", Text("The token of the next page; absent on the last."))));
    }
}
