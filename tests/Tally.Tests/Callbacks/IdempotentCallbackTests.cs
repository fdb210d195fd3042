using System.Text.Json;
using Tally.Idempotency;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>
/// <c>callbackUrl</c> with an <c>Idempotency-Key</c> on <c>POST /api/jobs</c>: a retry answers what the first request
/// answered, callback included, and each job calls back once, however many tries the request took.
/// </summary>
[Collection(CallbackCollection.Name)]
public sealed class IdempotentCallbackTests(Azurite azurite, Origin origin, Receiver receiver) : CallbackAppTests(azurite, receiver)
{
    [Fact]
    public async Task ARetry_ReturnsTheFirstAnswer_WithItsPendingCallback_AndEachJobCallsBackOnce()
    {
        var hook = Receiver.Endpoint();
        var key = Guid.NewGuid().ToString();
        var body = JsonSerializer.Serialize(new { urls = new[] { origin.Page("one"), origin.Page("two two") }, callbackUrl = hook });

        var first = await PostAsync(body, key);
        var retry = await PostAsync(body, key);
        var calls = await CallsAsync(hook, 2);
        var ids = first.Body.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("id").GetString()!).ToArray();

        Assert.Equal((202, 202), (first.Status, retry.Status));
        Assert.Equal(first.Body.GetRawText(), retry.Body.GetRawText());
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.All(first.Body.GetProperty("jobs").EnumerateArray(), job => Assert.Equal("pending", job.GetProperty("callback").GetProperty("state").GetString()));
        Assert.Equal(2, calls.Count);
        Assert.Equal(ids.Order(), calls.Select(call => call.Json.GetProperty("data").GetProperty("id").GetString()!).Order());
        Assert.All(calls, call => Assert.Null(call.VerifyError));
    }

    [Fact]
    public async Task TheKeyWithAnotherCallbackUrl_Answers409_AndCreatesNothing()
    {
        var key = Guid.NewGuid().ToString();
        var page = origin.Page("once");
        Assert.Equal(202, (await PostAsync(JsonSerializer.Serialize(new { url = page, callbackUrl = Receiver.Endpoint() }), key)).Status);
        var before = await App.RecordCountsAsync();

        var other = await PostAsync(JsonSerializer.Serialize(new { url = page, callbackUrl = Receiver.Endpoint() }), key);
        var withoutCallback = await PostAsync(JsonSerializer.Serialize(new { url = page }), key);

        Assert.Equal((409, 409), (other.Status, withoutCallback.Status));
        Assert.Contains("was first sent with a different request", other.Text("detail"));
        Assert.Equal(before, await App.RecordCountsAsync());
    }

    [Theory]
    [MemberData(nameof(Tests.Jobs.IdempotencyTests.Faults), MemberType = typeof(Tests.Jobs.IdempotencyTests))] // the first eight calls, failed or their answers lost
    public async Task StorageFailingAtAnyCallOfTheFirstTry_ThenARetry_CallsBackOnceAJob(int k, StorageFault fault)
    {
        var hook = Receiver.Endpoint();
        var key = Guid.NewGuid().ToString();
        var body = JsonSerializer.Serialize(new { urls = new[] { origin.Page("a b"), origin.Page("c"), origin.Page("d e f") }, callbackUrl = hook });

        App.Faults.At(k, fault);
        var first = await PostAsync(body, key);
        App.Faults.Reset();
        App.Clock.Advance(IdempotentCreation.Lease + TimeSpan.FromSeconds(1)); // as a client waits before it retries
        var retry = await PostAsync(body, key);
        var calls = await CallsAsync(hook, 3);
        await App.Host.DrainAsync(); // a duplicate message left by the first try runs now, and any call it owed is sent
        while (await Deliveries.RunOnceAsync() > 0)
        {
        }

        Assert.Contains(first.Status, new[] { 202, 503 });
        Assert.Equal(202, retry.Status);
        var ids = retry.Body.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("id").GetString()!).Order().ToArray();
        Assert.Equal(ids, Receiver.Calls(hook).Select(call => call.Json.GetProperty("data").GetProperty("id").GetString()!).Order());
        Assert.Equal(3, calls.Select(call => call.Id).Distinct().Count());
    }

    private Task<ApiResponse> PostAsync(string body, string key) => App.ExecuteAsync(App.Api.EnqueueJobs(
        TallyApp.Request("POST", body, headers: new Dictionary<string, string> { [IdempotencyKey.Header] = key }), default));
}
