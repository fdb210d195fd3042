using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Tally.Batches;
using Tally.Callbacks;
using Tally.Jobs;
using static Tally.Functions.OpenApi.Schema;

namespace Tally.Functions.OpenApi;

/// <summary>The shapes the API reads and answers, as named schemas of the document's components.</summary>
internal static class ApiSchemas
{
    public static Dictionary<string, IOpenApiSchema> Create(Func<string, IOpenApiSchema> reference) =>
        new(Core(reference).Concat(ScheduleSchemas.Create(reference)).Concat(AppSchemas.Create(reference)));

    private static Dictionary<string, IOpenApiSchema> Core(Func<string, IOpenApiSchema> reference) => new()
    {
        ["Problem"] = Open(
            "An error (RFC 9457 application/problem+json); detail says what to change.",
            ("type", Text("A URI naming the kind of problem: the HTTP status's section of RFC 9110.")),
            ("title", Text("The status's reason phrase.")),
            ("status", Whole("The HTTP status code.")),
            ("detail", Text("What went wrong, and what to change.", example: "The URL uses the 'ftp' scheme; only http and https can be fetched. Nothing was enqueued.")),
            ("errors?", ListOf(Text("One input's error."), "For a request of many URLs: each one's error."))),
        ["Job"] = WithExample(Object(
            "A job: one URL fetched and its words counted.",
            ("id", Text("32 lower-case hex digits; ids sort newest first.")),
            ("requestId", Text("The POST /api/jobs request that created the job: its id's first 28 digits.")),
            ("url", Text("The URL counted.", "uri")),
            ("status", OneOf("Where the job is in its life.", JobStatus.Scheduled.ToName(), JobStatus.Queued.ToName(), JobStatus.Running.ToName(), JobStatus.Succeeded.ToName(), JobStatus.Failed.ToName(), JobStatus.Canceled.ToName())),
            ("words", Whole("The words counted, once succeeded.", nullable: true, format: "int64")),
            ("bytes", Whole("The body bytes read.", nullable: true, format: "int64")),
            ("contentType", Text("The Content-Type the origin declared.", nullable: true)),
            ("httpStatus", Whole("The origin's last status code.", nullable: true)),
            ("attempts", Whole("How many times a worker started the job.")),
            ("error", Text("The last error, if any.", nullable: true)),
            ("enqueuedAt", Instant("When the job was (last) enqueued.")),
            ("startedAt", Instant("When the last attempt started.", nullable: true)),
            ("finishedAt", Instant("When the job reached a final status.", nullable: true)),
            ("expiresAt", Instant("After this the job reads as unknown and is purged.")),
            ("runAt?", Instant("When a delayed job is due (absent for a job that runs at once).")),
            ("revalidated?", Flag("Whether the count was reused because the origin answered 304 Not Modified.")),
            ("politeWaitMs?", Whole("How long the job waited for its origin's politeness limits, in milliseconds.", nullable: true, format: "int64")),
            ("callback?", reference("Callback")),
            ("statusUrl", Text("Where the job is read: /api/jobs/{id}."))),
            new JsonObject
            {
                ["id"] = "fe6a1c0b2d3e7f41a9c2b7d04e110000", ["requestId"] = "fe6a1c0b2d3e7f41a9c2b7d04e11", ["url"] = "https://example.com/",
                ["status"] = "succeeded", ["words"] = 17, ["bytes"] = 1256, ["contentType"] = "text/html; charset=utf-8", ["httpStatus"] = 200,
                ["attempts"] = 1, ["error"] = null, ["enqueuedAt"] = "2025-06-01T12:00:00+00:00", ["startedAt"] = "2025-06-01T12:00:00.2+00:00",
                ["finishedAt"] = "2025-06-01T12:00:00.4+00:00", ["expiresAt"] = "2025-06-02T12:00:00.4+00:00", ["statusUrl"] = "/api/jobs/fe6a1c0b2d3e7f41a9c2b7d04e110000",
            }),
        ["JobList"] = Object(
            "A page of jobs.",
            ("jobs", ListOf(reference("Job"), "The jobs.")),
            ("continuation?", Text("The token of the next page: pass it as ?continuation=. Absent on the last page."))),
        ["EnqueuedJobs"] = Object(
            "What enqueueing many URLs answers.",
            ("requestId", Text("The request: GET /api/jobs?request={requestId} lists its jobs.")),
            ("jobs", ListOf(reference("Job"), "The jobs, in the order of the URLs given."))),
        ["EnqueueRequest"] = WithExample(Open(
            "One URL or many (not both), to run now or, with runAt or delay, later.",
            ("url?", Text("The URL to count (http or https).", "uri")),
            ("urls?", ListOf(Text("A URL to count.", "uri"), "The URLs to count, one job each.", minItems: 1)),
            ("runAt?", Instant("When the jobs are due (at most Tally:Jobs:MaxDelay ahead).")),
            ("delay?", Text("How long from now the jobs are due: an ISO 8601 duration (PT10M) or hh:mm:ss.")),
            ("callbackUrl?", Text("Where to POST a signed Standard Webhooks call when the work is final (http or https).", "uri")),
            ("callbackMode?", OneOf("job (default): a call per job; request: one request.completed call once every job is final.", CallbackModes.Job, CallbackModes.Request))),
            new JsonObject { ["urls"] = new JsonArray("https://example.com/", "https://example.org/") }),
        ["JobFilter"] = WithExample(Object(
            "The jobs a bulk action takes: a request's (in the action's status, or status), or a status's whose request was made between from and to. "
                + "With continuation, from where the previous call of the same filter stopped.",
            ("request?", Text("A request id: the requestId of its jobs.")),
            ("status?", OneOf("The status of the jobs taken: retry takes failed (default) or canceled, cancel takes queued (default) or scheduled.", JobStatus.Failed.ToName(), JobStatus.Canceled.ToName(), JobStatus.Queued.ToName(), JobStatus.Scheduled.ToName())),
            ("from?", Instant("Without request: the earliest request time taken.")),
            ("to?", Instant("Without request: the latest request time taken.")),
            ("continuation?", Text("The continuation of the previous answer.")),
            ("dryRun?", Flag("When true, count the jobs the filter matches (matched, changed 0, continuation to count on) and change none: what a confirmation states before acting."))),
            new JsonObject { ["status"] = "failed", ["from"] = "2025-06-01T00:00:00Z", ["to"] = "2025-06-01T12:00:00Z" }),
        ["BulkOutcome"] = WithExample(Object(
            "What one bulk call did; at most 1,000 jobs a call.",
            ("matched", Whole("The jobs the filter matched in this call.")),
            ("changed", Whole("Of those, the jobs changed (one another caller changed first is matched, not changed).")),
            ("continuation?", Text("Present when the call stopped at its cap: send the same filter with it to go on."))),
            new JsonObject { ["matched"] = 3, ["changed"] = 3 }),
        ["BatchRequest"] = WithExample(Open(
            "A fan-out over many URLs.",
            ("urls", ListOf(Text("A URL to count.", "uri"), "The URLs.", minItems: 1)),
            ("maxParallelism?", Whole("The most fetches in flight at once (default 16).", minimum: 1)),
            ("callbackUrl?", Text("Where to POST a signed Standard Webhooks call when the batch ends (http or https).", "uri"))),
            new JsonObject { ["urls"] = new JsonArray("https://example.com/", "https://example.org/"), ["maxParallelism"] = 8 }),
        ["BatchAccepted"] = Object(
            "A batch started or terminating.",
            ("id", Text("The batch id.")),
            ("status", OneOf("pending when started, terminating when terminated.", "pending", "terminating")),
            ("statusUrl", Text("Where the batch is read."))),
        ["BatchProgress"] = Object(
            "How far a batch has got.",
            ("done", Whole("URLs finished.")),
            ("total", Whole("URLs in the batch.")),
            ("failed", Whole("Of those finished, the ones that failed."))),
        ["PageResult"] = Object(
            "One URL's outcome.",
            ("url", Text("The URL.")),
            ("words", Whole("Its words, when counted.", nullable: true, format: "int64")),
            ("bytes", Whole("Its bytes, when counted.", nullable: true, format: "int64")),
            ("error", Text("Why it failed.", nullable: true))),
        ["BatchResult"] = Object(
            "A completed batch's gathered result.",
            ("totalWords", Whole("Words in every page counted.", format: "int64")),
            ("succeeded", Whole("Pages counted.")),
            ("failed", Whole("Pages that failed.")),
            ("pages", ListOf(reference("PageResult"), "The first 100 pages, in the order given."))),
        ["Batch"] = Object(
            "A batch: status, progress and, once completed, its result.",
            ("id", Text("The batch id.")),
            ("status", OneOf("The batch's status.", [.. BatchStatusNames.All])),
            ("progress", reference("BatchProgress")),
            ("createdAt", Instant("When it started.")),
            ("lastUpdatedAt", Instant("When it last changed.")),
            ("result", new OpenApiSchema { OneOf = [reference("BatchResult"), new OpenApiSchema { Type = JsonSchemaType.Null }], Description = "Once completed, the gathered result." }),
            ("statusUrl", Text("Where the batch is read.")),
            ("error", Text("Why the batch failed.", nullable: true)),
            ("nextPages?", Text("The /pages address of the results after the first 100.")),
            ("callback?", reference("Callback"))),
        ["BatchPages"] = Object(
            "A slice of a batch's per-page results.",
            ("id", Text("The batch.")),
            ("status", Text("Its status.")),
            ("total", Whole("How many URLs it has.")),
            ("offset", Whole("The index of the first page below.")),
            ("pages", ListOf(reference("PageResult"), "The results, in the order of the URLs (empty until the batch completes)."))),
        ["BatchSummary"] = Object(
            "A batch as a listing shows it.",
            ("id", Text("The batch id.")),
            ("status", Text("Its status.")),
            ("createdAt", Instant("When it started.")),
            ("lastUpdatedAt", Instant("When it last changed.")),
            ("statusUrl", Text("Where its progress and result are read."))),
        ["BatchList"] = Object(
            "A page of batches, newest first.",
            ("batches", ListOf(reference("BatchSummary"), "The batches.")),
            ("continuation?", Text("The token of the next page; absent on the last."))),
        ["Overview"] = Open(
            "The dashboard's figures: jobs by status (each count capped), queue depths, the last hour minute by minute.",
            ("asOf", Instant("When the figures were read.")),
            ("jobs", MapOf(Object("A status's count.", ("count", Whole("How many.")), ("capped", Flag("Whether the count stopped at its cap (then at least that many)."))), "Jobs by status.")),
            ("queue", Whole("The job queue's depth.", format: "int64")),
            ("poisonQueue", Whole("The poison queue's depth.", format: "int64")),
            ("lastHour", ListOf(new OpenApiSchema { Type = JsonSchemaType.Object }, "The last 60 minutes, oldest first.")),
            ("throughputDelay?", Text("How late a minute's figures may reach the table (hh:mm:ss)."))),
        ["Health"] = Object("Storage answers.", ("status", OneOf("Always healthy: trouble answers 503.", "healthy"))),
    };

    internal static OpenApiSchema WithExample(OpenApiSchema schema, JsonNode example)
    {
        schema.Examples = [example];
        return schema;
    }
}
