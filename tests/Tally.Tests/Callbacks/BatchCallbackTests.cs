using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Tally.Batches;
using Tally.Callbacks;
using Tally.Functions.Callbacks;
using Tally.Tests.Batches;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>Batches with a <c>callbackUrl</c> on <c>DurableTaskTestHost</c> (which replays the orchestrator for real), calling a real receiver.</summary>
public sealed class BatchCallbackTests(BatchFixture fixture, Receiver receiver) : IClassFixture<BatchFixture>, IClassFixture<Receiver>, IAsyncLifetime
{
    private BatchApp _app = null!;
    private CallbackQueueHost _deliveries = null!;

    public async Task InitializeAsync()
    {
        _app = await BatchApp.StartAsync(fixture.Azurite.ConnectionString);
        _deliveries = new CallbackQueueHost(
            new QueueServiceClient(fixture.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }),
            ActivatorUtilities.CreateInstance<CallbacksWorker>(_app.Services));
        await _deliveries.ClearAsync();
    }

    public async Task DisposeAsync()
    {
        await _deliveries.ClearAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task CompletedBatch_CallsOnce_WithItsTotalsAndTheLinkToItsPages()
    {
        var hook = receiver.Endpoint();
        Uri[] urls = [fixture.Origin.Page("a b"), fixture.Origin.Status(404), fixture.Origin.Page("c")];

        var started = await _app.StartAsync(JsonSerializer.Serialize(new { urls, callbackUrl = hook }));
        var id = started.Text("id");
        var batch = await _app.CompletedAsync(id);
        var call = Assert.Single(await CallsAsync(hook, 1));
        var data = call.Json.GetProperty("data");
        var callback = (await _app.GetAsync(id)).Body.GetProperty("callback");

        Assert.Equal("pending", started.Body.GetProperty("callback").GetProperty("state").GetString());
        Assert.Null(call.VerifyError);
        Assert.Equal("batch.completed", call.Json.GetProperty("type").GetString());
        Assert.Equal(id, data.GetProperty("id").GetString());
        Assert.Equal("completed", data.GetProperty("status").GetString());
        Assert.Equal(3, data.GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.Equal(2, data.GetProperty("result").GetProperty("succeeded").GetInt32());
        Assert.Equal(1, data.GetProperty("result").GetProperty("failed").GetInt32());
        Assert.Equal(0, data.GetProperty("result").GetProperty("pages").GetArrayLength());
        Assert.Equal($"/api/batches/{id}/pages?offset=0&limit=100", data.GetProperty("nextPages").GetString());
        Assert.Equal(batch.Body.GetProperty("progress").GetProperty("total").GetInt32(), data.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Equal("delivered", callback.GetProperty("state").GetString());
    }

    [Fact]
    public async Task TerminatedBatch_CallsOnce_WithBatchTerminated()
    {
        var hook = receiver.Endpoint();
        using var gate = new SemaphoreSlim(0);
        var held = fixture.Origin.Serve(async context =>
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(60)); // a deadline, not a sleep: released below
            await Origin.Write(context, "held", "text/plain");
        });

        var id = (await _app.StartAsync(JsonSerializer.Serialize(new { urls = new[] { held }, callbackUrl = hook }))).Text("id");
        await Eventually.GetAsync(() => Task.FromResult(fixture.Origin.Hits(held)), n => n > 0, what: "the fetch to start");
        var terminated = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));
        gate.Release();
        var call = Assert.Single(await CallsAsync(hook, 1));

        Assert.Equal(202, terminated.Status);
        Assert.Equal("batch.terminated", call.Json.GetProperty("type").GetString());
        Assert.Equal("terminated", call.Json.GetProperty("data").GetProperty("status").GetString());
        Assert.Null(call.VerifyError);
    }

    [Fact]
    public async Task ARetriedStartWithAKey_AnswersTheFirstBatch_WithItsPendingCallback_AndCallsOnce()
    {
        var hook = receiver.Endpoint();
        var key = Guid.NewGuid().ToString();
        var body = JsonSerializer.Serialize(new { urls = new[] { fixture.Origin.Page("a b") }, callbackUrl = hook });

        var first = await StartWithKeyAsync(body, key);
        var retry = await StartWithKeyAsync(body, key);
        await _app.CompletedAsync(first.Text("id"));
        var call = Assert.Single(await CallsAsync(hook, 1));
        while (await _deliveries.RunOnceAsync() > 0)
        {
        }

        Assert.Equal(first.Body.GetRawText(), retry.Body.GetRawText());
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.Equal("pending", first.Body.GetProperty("callback").GetProperty("state").GetString());
        Assert.Equal(first.Text("id"), call.Json.GetProperty("data").GetProperty("id").GetString());
        Assert.Single(receiver.Calls(hook));
    }

    [Fact]
    public async Task ABatchSchedulesRun_CallsOnce_WithItsBatch()
    {
        var hook = receiver.Endpoint();
        var name = "cb-" + Guid.NewGuid().ToString("n")[..12];
        var schedules = _app.Services.GetRequiredService<Tally.Schedules.ScheduleService>();
        await schedules.PutAsync(name, new Tally.Schedules.ScheduleDefinition("*/10 * * * * *", "UTC", Tally.Schedules.ScheduleModes.Batch, [fixture.Origin.Page("a b c")], 4, new CallbackTarget(hook, CallbackModes.Job)), default);

        _app.Clock.Advance(TimeSpan.FromSeconds(10)); // a little: calls are signed at the app's time, and receivers allow five minutes
        await _app.Services.GetRequiredService<Tally.Schedules.ScheduleFirer>().FireAsync(name, _app.Client, default);
        var run = Assert.Single((await schedules.GetAsync(name, default))!.Runs!);
        await _app.CompletedAsync(run.Batch!);
        var call = Assert.Single(await CallsAsync(hook, 1));

        Assert.Equal(("batch.completed", run.Batch), (call.Json.GetProperty("type").GetString(), call.Json.GetProperty("data").GetProperty("id").GetString()));
        Assert.Equal(3, call.Json.GetProperty("data").GetProperty("result").GetProperty("totalWords").GetInt64());
        Assert.Null(call.VerifyError);
    }

    private Task<ApiResponse> StartWithKeyAsync(string body, string key) => _app.ExecuteAsync(_app.Api.StartBatch(
        TallyApp.Request("POST", body, headers: new Dictionary<string, string> { [Tally.Idempotency.IdempotencyKey.Header] = key }), _app.Client, default));

    private async Task<IReadOnlyList<ReceivedCall>> CallsAsync(Uri hook, int count)
    {
        await _deliveries.UntilAsync(() => Task.FromResult(receiver.Calls(hook).Count >= count), what: $"{count} call(s)");
        return receiver.Calls(hook);
    }
}
