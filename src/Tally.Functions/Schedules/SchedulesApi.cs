using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Tally.Batches;
using Tally.Callbacks;
using Tally.Fetching;
using Tally.Functions.Http;
using Tally.Hosting;
using Tally.Jobs;
using Tally.Schedules;

namespace Tally.Functions.Schedules;

/// <summary>The <c>/api/schedules</c> routes: each binds its request and hands it to <see cref="ScheduleService"/>.</summary>
public sealed class SchedulesApi(
    ScheduleService schedules,
    IOptionsMonitor<FetchOptions> fetch,
    IOptionsMonitor<JobsOptions> jobs,
    IOptionsMonitor<BatchesOptions> batches,
    IOptionsMonitor<CallbacksOptions> callbacks,
    IOptionsMonitor<SchedulesOptions> options)
{
    /// <summary><c>PUT /api/schedules/{name}</c>: create (201) or replace (200) a schedule.</summary>
    [Function(nameof(PutSchedule))]
    public async Task<IActionResult> PutSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "schedules/{name}")] HttpRequest request, string name, CancellationToken cancellationToken)
    {
        if (InvalidName(name) is { } invalid)
        {
            return invalid;
        }

        var (definition, problem) = await ScheduleRequest.ReadAsync(request, fetch.CurrentValue, jobs.CurrentValue, batches.CurrentValue, callbacks.CurrentValue, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (schedule, created) = await schedules.PutAsync(name, definition!, cancellationToken);
        return created ? new CreatedResult(schedule.StatusUrl, schedule) : new OkObjectResult(schedule);
    }

    /// <summary><c>GET /api/schedules/{name}</c>: a schedule, its next occurrences and its recent runs.</summary>
    [Function(nameof(GetSchedule))]
    public async Task<IActionResult> GetSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "schedules/{name}")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        InvalidName(name) ?? (await schedules.GetAsync(name, cancellationToken) is { } schedule ? new OkObjectResult(schedule) : UnknownSchedule(name));

    /// <summary><c>GET /api/schedules?limit=&amp;continuation=</c>: schedules by name, a page at a time.</summary>
    [Function(nameof(ListSchedules))]
    public async Task<IActionResult> ListSchedules(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "schedules")] HttpRequest request, CancellationToken cancellationToken)
    {
        var max = options.CurrentValue.MaxListSize;
        if (!PageQuery.TryRead(request, max, max, NameOf, out var limit, out var after, out var problem))
        {
            return problem!;
        }

        var (page, next) = await schedules.ListAsync(limit, after, cancellationToken);
        return new OkObjectResult(new ScheduleList(page, next is null ? null : PageToken.Of(next)));
    }

    /// <summary><c>POST /api/schedules/{name}/pause</c>: skip occurrences (none is recorded) until resumed.</summary>
    [Function(nameof(PauseSchedule))]
    public async Task<IActionResult> PauseSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "schedules/{name}/pause")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        InvalidName(name) ?? (await schedules.PauseAsync(name, cancellationToken) is { } schedule ? new OkObjectResult(schedule) : UnknownSchedule(name));

    /// <summary><c>POST /api/schedules/{name}/resume</c>: run occurrences again, from now on.</summary>
    [Function(nameof(ResumeSchedule))]
    public async Task<IActionResult> ResumeSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "schedules/{name}/resume")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        InvalidName(name) ?? (await schedules.ResumeAsync(name, cancellationToken) is { } schedule ? new OkObjectResult(schedule) : UnknownSchedule(name));

    /// <summary><c>POST /api/schedules/{name}/trigger</c>: run now (202 with the run).</summary>
    [Function(nameof(TriggerSchedule))]
    public async Task<IActionResult> TriggerSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "schedules/{name}/trigger")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        string name,
        CancellationToken cancellationToken) =>
        InvalidName(name) ?? (await schedules.TriggerAsync(name, client, cancellationToken) is { } run
            ? new AcceptedResult(Schedule.StatusPath(name), run)
            : UnknownSchedule(name));

    /// <summary><c>DELETE /api/schedules/{name}</c>: delete a schedule and its runs (204); the jobs and batches it created stay.</summary>
    [Function(nameof(DeleteSchedule))]
    public async Task<IActionResult> DeleteSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "schedules/{name}")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        InvalidName(name) ?? (await schedules.DeleteAsync(name, cancellationToken) ? new NoContentResult() : UnknownSchedule(name));

    private static IActionResult? InvalidName(string name) => ScheduleNames.IsValid(name) ? null
        : Problems.BadRequest($"A schedule's name is 1 to {ScheduleNames.MaxLength} letters, digits, '_' or '-'; '{name}' is not one. Pick a name such as 'morning-pages'.");

    private static ObjectResult UnknownSchedule(string name) => Problems.NotFound($"There is no schedule '{name}'. Create it with PUT /api/schedules/{name}.");

    private static string? NameOf(string token) => PageToken.Read(token, 100) is { } name && ScheduleNames.IsValid(name) ? name : null;
}

/// <summary>A page of schedules.</summary>
/// <param name="Schedules">The schedules, by name: definition and next occurrences; each one's runs are at its <c>statusUrl</c>.</param>
/// <param name="Continuation">The token of the next page (absent on the last one).</param>
public sealed record ScheduleList(
    IReadOnlyList<Schedule> Schedules,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Continuation);
