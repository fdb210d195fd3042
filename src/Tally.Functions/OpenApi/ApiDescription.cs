using System.Text;
using Microsoft.OpenApi;
using Tally.Functions.Batches;
using Tally.Functions.Callbacks;
using Tally.Functions.Dashboard;
using Tally.Functions.Jobs;
using Tally.Functions.Politeness;
using Tally.Functions.Schedules;
using static Tally.Functions.OpenApi.ApiOperations;

namespace Tally.Functions.OpenApi;

/// <summary>
/// The API's one description in code: every HTTP function's route and verb, each operation named after its function
/// (<c>operationId</c>), with parameters, bodies, answers and the shapes of <see cref="ApiSchemas"/>. The contract
/// test holds every function in the build's <c>functions.metadata</c> to an entry here, and every real answer to its schema.
/// </summary>
internal static class ApiDescription
{
    public const string KeyHeader = "functionKeyHeader";
    public const string KeyQuery = "functionKeyQuery";

    private const string Jobs = "jobs", Batches = "batches", Schedules = "schedules", App = "app";

    /// <summary>The document as OpenAPI 3.1 JSON, built once.</summary>
    public static readonly Lazy<byte[]> Json = new(() => Encoding.UTF8.GetBytes(Create().SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult()));

    public static OpenApiDocument Create()
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Tally",
                Version = "1",
                Description = "Background jobs that count the words of web pages: enqueue URLs, read results, fan out batches. "
                    + "Every error is application/problem+json with a detail that says what to change.",
            },
            Servers = [new OpenApiServer { Url = "/api" }],
            Components = new OpenApiComponents(),
            Tags = new HashSet<OpenApiTag> { new() { Name = Jobs }, new() { Name = Batches }, new() { Name = Schedules }, new() { Name = App } },
        };
        var api = new ApiOperations(document);
        document.Components.Schemas = ApiSchemas.Create(api.Ref);
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [KeyHeader] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-functions-key", Description = "The function key (in Azure; locally none is needed)." },
            [KeyQuery] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "code", Description = "The function key, in the address." },
        };
        document.Paths = [];
        foreach (var (path, method, operation) in Routes(api))
        {
            if (!document.Paths.TryGetValue(path, out var item))
            {
                document.Paths[path] = item = new OpenApiPathItem();
            }

            ((OpenApiPathItem)item).AddOperation(method, operation);
        }

        return document;
    }

    private static IEnumerable<(string Path, HttpMethod Method, OpenApiOperation Operation)> Routes(ApiOperations api)
    {
        var jobId = Path("id", "The job id.");
        var batchId = Path("id", "The batch id.");
        var badRequest = (400, api.Problem("The input cannot be used; detail says what to change."));
        var notFoundJob = (404, api.Problem("No such job, or it expired."));
        var notFoundBatch = (404, api.Problem("No such batch, or it was purged."));
        var limit = Query("limit", "The most items to answer.", JsonSchemaType.Integer);
        var continuation = Query("continuation", "The continuation of the previous page.");
        var idempotencyKey = Header("Idempotency-Key", "A key of the caller's: a retried request with the same key answers as the first did, and creates nothing more.");

        yield return ("/jobs", HttpMethod.Post, api.Operation(nameof(JobsApi.EnqueueJobs), Jobs, "Enqueue one URL or many.", false, [idempotencyKey],
            api.Body("EnqueueRequest", "One URL or many, sent as application/json."),
            (202, api.Answer("Enqueued: one URL answers its job (and Location), many answer the request and its jobs.", null,
                inline: new OpenApiSchema { OneOf = [api.Ref("Job"), api.Ref("EnqueuedJobs")] }, location: true)),
            badRequest, (413, api.Problem("The body is larger than the limit.")), (415, api.Problem("The body was not sent as application/json."))));
        yield return ("/jobs", HttpMethod.Get, api.Operation(nameof(JobsApi.ListJobs), Jobs, "Jobs in a status (newest first), or of a request (in order); either narrowed to an origin.", false,
            [Query("status", "The status: scheduled, queued, running, succeeded, failed or canceled. Required without request."),
             Query("request", "A request id: its jobs, in any status (or in status)."),
             Query("origin", "A host (example.com), host:port or origin (https://example.com): only its jobs. A page may then hold fewer jobs than limit, with a continuation."),
             limit, continuation],
            null, (200, api.Answer("A page of jobs.", "JobList")), badRequest));
        yield return ("/jobs/{id}", HttpMethod.Get, api.Operation(nameof(JobsApi.GetJob), Jobs, "A job's state and result.", false, [jobId], null,
            (200, api.Answer("The job.", "Job")), notFoundJob));
        yield return ("/jobs/{id}", HttpMethod.Delete, api.Operation(nameof(JobsApi.CancelJob), Jobs, "Cancel a job that has not started.", false, [jobId], null,
            (200, api.Answer("Canceled.", "Job")), notFoundJob, (409, api.Problem("The job has started or finished."))));
        yield return ("/jobs/{id}/retry", HttpMethod.Post, api.Operation(nameof(JobsApi.RetryJob), Jobs, "Enqueue a failed or canceled job again.", false, [jobId], null,
            (202, api.Answer("Requeued.", "Job", location: true)), notFoundJob, (409, api.Problem("The job is neither failed nor canceled."))));
        yield return ("/jobs/actions/retry", HttpMethod.Post, api.Operation(nameof(JobActionsApi.RetryJobs), Jobs, "Retry every failed (or canceled) job of a request or a time range, on the server, 1,000 a call.", false, null,
            api.Body("JobFilter", "Which jobs."), (200, api.Answer("What the call did.", "BulkOutcome")), badRequest));
        yield return ("/jobs/actions/cancel", HttpMethod.Post, api.Operation(nameof(JobActionsApi.CancelJobs), Jobs, "Cancel every queued (or scheduled) job of a request or a time range, on the server, 1,000 a call.", false, null,
            api.Body("JobFilter", "Which jobs."), (200, api.Answer("What the call did.", "BulkOutcome")), badRequest));

        yield return ("/batches", HttpMethod.Post, api.Operation(nameof(BatchesApi.StartBatch), Batches, "Start a fan-out over many URLs.", false, [idempotencyKey],
            api.Body("BatchRequest", "The URLs and the parallelism, sent as application/json."),
            (202, api.Answer("Started.", "BatchAccepted", location: true)), badRequest, (413, api.Problem("The body is larger than the limit.")), (415, api.Problem("The body was not sent as application/json."))));
        yield return ("/batches", HttpMethod.Get, api.Operation(nameof(BatchesApi.ListBatches), Batches, "Recent batches, newest first.", false,
            [Query("status", "pending, running, completed, failed or terminated; none for all."), limit, continuation], null,
            (200, api.Answer("A page of batches.", "BatchList")), badRequest));
        yield return ("/batches/{id}", HttpMethod.Get, api.Operation(nameof(BatchesApi.GetBatch), Batches, "A batch's status, progress and result.", false, [batchId], null,
            (200, api.Answer("The batch.", "Batch")), notFoundBatch));
        yield return ("/batches/{id}", HttpMethod.Delete, api.Operation(nameof(BatchesApi.TerminateBatch), Batches, "Terminate a running batch.", false, [batchId], null,
            (202, api.Answer("Terminating.", "BatchAccepted", location: true)), notFoundBatch, (409, api.Problem("The batch has finished."))));
        yield return ("/batches/{id}/pages", HttpMethod.Get, api.Operation(nameof(BatchesApi.GetBatchPages), Batches, "A slice of a completed batch's per-page results.", false,
            [batchId, Query("offset", "The index of the first page.", JsonSchemaType.Integer), Query("limit", "How many pages (1 to Tally:Batches:MaxPageResults, 1,000 by default).", JsonSchemaType.Integer)], null,
            (200, api.Answer("The slice.", "BatchPages")), badRequest, notFoundBatch));

        var name = Path("name", "The schedule's name: 1 to 64 letters, digits, '_' or '-'.");
        var notFoundSchedule = (404, api.Problem("No such schedule."));
        yield return ("/schedules", HttpMethod.Get, api.Operation(nameof(SchedulesApi.ListSchedules), Schedules, "The schedules, a page at a time.", false, [limit, continuation], null,
            (200, api.Answer("A page of schedules.", "ScheduleList")), badRequest));
        yield return ("/schedules/{name}", HttpMethod.Put, api.Operation(nameof(SchedulesApi.PutSchedule), Schedules, "Create or replace a schedule: cron in an IANA time zone, running jobs or a batch.", false, [name],
            api.Body("ScheduleDefinition", "The schedule."), (200, api.Answer("Replaced.", "Schedule")), (201, api.Answer("Created.", "Schedule", location: true)), badRequest,
            (413, api.Problem("The body is larger than the limit."))));
        yield return ("/schedules/{name}", HttpMethod.Get, api.Operation(nameof(SchedulesApi.GetSchedule), Schedules, "A schedule, its next occurrence and its recent runs.", false, [name], null,
            (200, api.Answer("The schedule.", "Schedule")), badRequest, notFoundSchedule));
        yield return ("/schedules/{name}", HttpMethod.Delete, api.Operation(nameof(SchedulesApi.DeleteSchedule), Schedules, "Delete a schedule and its runs; what it created stays.", false, [name], null,
            (204, api.Answer("Deleted.", null)), badRequest, notFoundSchedule));
        yield return ("/schedules/{name}/pause", HttpMethod.Post, api.Operation(nameof(SchedulesApi.PauseSchedule), Schedules, "Skip occurrences until resumed.", false, [name], null,
            (200, api.Answer("Paused.", "Schedule")), badRequest, notFoundSchedule));
        yield return ("/schedules/{name}/resume", HttpMethod.Post, api.Operation(nameof(SchedulesApi.ResumeSchedule), Schedules, "Run occurrences again, from now on.", false, [name], null,
            (200, api.Answer("Resumed.", "Schedule")), badRequest, notFoundSchedule));
        yield return ("/schedules/{name}/trigger", HttpMethod.Post, api.Operation(nameof(SchedulesApi.TriggerSchedule), Schedules, "Run a schedule now.", false, [name], null,
            (202, api.Answer("The run.", "ScheduleRun", location: true)), badRequest, notFoundSchedule));

        var deliveryId = Path("id", "The delivery's id: its webhook-id.");
        yield return ("/deliveries", HttpMethod.Get, api.Operation(nameof(DeliveriesApi.ListDeliveries), App, "Callback deliveries, newest first, a page at a time (?status=failed for the failed ones).", false,
            [Query("status", "pending, delivered or failed; none for all."), limit, continuation], null,
            (200, api.Answer("A page of deliveries.", "DeliveryList")), badRequest));
        yield return ("/deliveries/{id}/redeliver", HttpMethod.Post, api.Operation(nameof(DeliveriesApi.Redeliver), App, "Send a delivery again, under its own webhook-id.", false, [deliveryId], null,
            (202, api.Answer("Sending again.", "Delivery")), (404, api.Problem("No such delivery.")), (409, api.Problem("The delivery is still pending."))));

        yield return ("/origins", HttpMethod.Get, api.Operation(nameof(OriginsApi.ListOrigins), App, "The origins being fetched: in flight, limit, and any pause with its reason.", false, null, null,
            (200, api.Answer("The origins.", "OriginList"))));
        yield return ("/overview", HttpMethod.Get, api.Operation(nameof(DashboardFunctions.GetOverview), App, "The dashboard's figures.", false, null, null,
            (200, api.Answer("The figures.", "Overview"))));
        yield return ("/health", HttpMethod.Get, api.Operation(nameof(Maintenance.Maintenance.Health), App, "Whether storage answers.", true, null, null,
            (200, api.Answer("Storage answers.", "Health"))));
        yield return ("/openapi.json", HttpMethod.Get, api.Operation(nameof(OpenApiFunctions.OpenApiDocument), App, "This document.", true, null, null,
            (200, api.Answer("The OpenAPI 3.1 document.", null, inline: new OpenApiSchema { Type = JsonSchemaType.Object }))));
        yield return ("/dashboard", HttpMethod.Get, api.Operation(nameof(DashboardFunctions.Dashboard), App, "The dashboard page.", true, null, null,
            (200, api.Answer("The page.", null, "text/html", new OpenApiSchema { Type = JsonSchemaType.String }))));
        yield return ("/dashboard/{asset}", HttpMethod.Get, api.Operation(nameof(DashboardFunctions.DashboardAsset), App, "The dashboard's script, styles and icon.", true,
            [Path("asset", "The file name.")], null,
            (200, api.Answer("The file.", null, "application/octet-stream", new OpenApiSchema { Type = JsonSchemaType.String })), (304, api.Answer("Not modified since the ETag given.", null)),
            (404, api.Problem("No such asset."))));
    }
}
