using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Callbacks;

/// <summary>
/// Callbacks under the real Functions host: its queue listener on <c>tally-callbacks</c> and its orchestrator send them,
/// and a real receiver on 127.0.0.1 verifies each with the Standard Webhooks package (Tally signs with its own signer).
/// </summary>
public sealed class CallbackTests(HostSuite suite, Receiver receiver, ITestOutputHelper output) : HostTest(suite, output), IClassFixture<Receiver>
{
    [HostFact]
    public async Task JobAndBatchWithCallbacks_DeliverSignedCalls_ThatTheStandardWebhooksVerifierAccepts()
    {
        var jobHook = receiver.Endpoint();
        var batchHook = receiver.Endpoint();

        var job = await Api.PostAsync("api/jobs", new { url = Suite.Origin.Page("one two three"), callbackUrl = jobHook });
        var batch = await Api.PostAsync("api/batches", new { urls = new[] { Suite.Origin.Page("x"), Suite.Origin.Page("y y") }, callbackUrl = batchHook });
        var jobCall = await FirstCallAsync(jobHook, "the job's call");
        var batchCall = await FirstCallAsync(batchHook, "the batch's call");
        var read = await Eventually.GetAsync(
            () => Api.GetAsync($"api/jobs/{job.Text("id")}"),
            answer => answer.Body.TryGetProperty("callback", out var callback) && callback.GetProperty("state").GetString() == "delivered",
            TallyClient.Patience,
            "the job's callback to read delivered");

        Assert.Equal(202, job.Status);
        Assert.Equal(202, batch.Status);
        Assert.Null(jobCall.VerifyError);
        Assert.Null(batchCall.VerifyError);
        Assert.StartsWith("application/json", jobCall.ContentType);
        Assert.StartsWith("application/json", batchCall.ContentType);
        Assert.Equal("job.succeeded", jobCall.Json.GetProperty("type").GetString());
        Assert.Equal(job.Text("id"), jobCall.Json.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(3, jobCall.Json.GetProperty("data").GetProperty("words").GetInt64());
        Assert.Equal("batch.completed", batchCall.Json.GetProperty("type").GetString());
        Assert.Equal(batch.Text("id"), batchCall.Json.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(3, batchCall.Json.GetProperty("data").GetProperty("result").GetProperty("totalWords").GetInt64()); // "x" + "y y"
        Assert.Equal(200, read.Body.GetProperty("callback").GetProperty("lastStatus").GetInt32());
    }

    private async Task<ReceivedCall> FirstCallAsync(Uri hook, string what) =>
        (await Eventually.GetAsync(() => Task.FromResult(receiver.Calls(hook)), calls => calls.Count > 0, TallyClient.Patience, what))[0];
}
