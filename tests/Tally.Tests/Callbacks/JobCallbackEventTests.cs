using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tally.Callbacks;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>
/// What a job with a <c>callbackUrl</c> sends when it ends: one signed event for each final state (succeeded, failed,
/// canceled, a request's jobs all final), sent once even when the host dies on the way, verified with the Standard
/// Webhooks package by a real receiver.
/// </summary>
[Collection(CallbackCollection.Name)]
public sealed class JobCallbackEventTests(Azurite azurite, Origin origin, Receiver receiver) : JobCallbackAppTests(azurite, receiver)
{
    [Fact]
    public async Task SucceededJob_CallsBackOnce_WithASignedJobSucceededEvent_ThatTheStandardWebhooksPackageVerifies()
    {
        var hook = Receiver.Endpoint();

        var accepted = await App.PostJobsAsync(Body(origin.Page("two words"), hook));
        var call = Assert.Single(await CallsAsync(hook));
        var job = await App.GetJobAsync(accepted.Text("id"));
        var callback = job.Body.GetProperty("callback");

        Assert.Equal(202, accepted.Status);
        Assert.Equal("pending", accepted.Body.GetProperty("callback").GetProperty("state").GetString());
        Assert.Equal(hook.AbsoluteUri, accepted.Body.GetProperty("callback").GetProperty("url").GetString());
        Assert.Null(call.VerifyError);
        Assert.Equal("application/json", call.ContentType);
        Assert.Equal(DeliveryIds.Job(accepted.Text("id"), 1), call.Id);
        Assert.Equal("job.succeeded", call.Json.GetProperty("type").GetString());
        Assert.Equal(accepted.Text("id"), call.Json.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(2, call.Json.GetProperty("data").GetProperty("words").GetInt64());
        Assert.Equal(job.Body.GetProperty("finishedAt").GetDateTimeOffset(), call.Json.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("delivered", callback.GetProperty("state").GetString());
        Assert.Equal(1, callback.GetProperty("attempts").GetInt32());
        Assert.Equal(200, callback.GetProperty("lastStatus").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, callback.GetProperty("deliveredAt").ValueKind);
    }

    [Theory]
    [InlineData("TallyDeliveries")] // dies before the delivery is recorded
    [InlineData("tally-callbacks/messages")] // dies after it is recorded, before its message is sent
    public async Task HostDyingBetweenTheFinalWriteAndTheCall_StillCallsOnce(string diesAt)
    {
        var hook = Receiver.Endpoint();
        var page = origin.Page("x");
        var seen = 0;
        App.Faults.FailWhen = request => request.Uri.Path.Contains(diesAt, StringComparison.Ordinal) && Interlocked.Increment(ref seen) == 1;

        var accepted = await App.PostJobsAsync(Body(page, hook));
        await App.Host.DrainAsync();
        var job = await App.GetJobAsync(accepted.Text("id"));
        var calls = await CallsAsync(hook);

        Assert.Equal(1, App.Faults.Injected);
        Assert.Single(App.Host.Failures); // the job's message came back, as after a crash
        Assert.Equal("succeeded", job.Text("status"));
        Assert.Equal(1, origin.Hits(page)); // not fetched again
        Assert.Single(calls);
        Assert.Null(calls[0].VerifyError);
    }

    [Fact]
    public async Task CanceledJob_CallsBackOnce_EvenWhenItsMessageArrivesAfterwards()
    {
        var hook = Receiver.Endpoint();
        var accepted = await App.PostJobsAsync(Body(origin.Page("x"), hook));

        var canceled = await App.ExecuteAsync(App.Api.CancelJob(TallyApp.Request("DELETE"), accepted.Text("id"), default));
        var calls = await CallsAsync(hook); // drains the job's message too: it finds the job final and records the call again

        Assert.Equal(200, canceled.Status);
        Assert.Equal("job.canceled", Assert.Single(calls).Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task JobFailingOnEveryAttempt_CallsBackOnce_WithJobFailed()
    {
        var hook = Receiver.Endpoint();

        await App.PostJobsAsync(Body(origin.Status(500), hook));
        var call = Assert.Single(await CallsAsync(hook));

        Assert.Equal("job.failed", call.Json.GetProperty("type").GetString());
        Assert.Equal("failed", call.Json.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(App.Host.Settings.MaxDequeueCount, call.Json.GetProperty("data").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task RequestMode_CallsOnce_WhenEveryJobIsFinal_WithTheirIdsAndStatuses()
    {
        var hook = Receiver.Endpoint();
        Uri[] urls = [origin.Page("a"), origin.Status(404), origin.Page("c c")];

        var accepted = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls, callbackUrl = hook, callbackMode = "request" }));
        var call = Assert.Single(await CallsAsync(hook));
        var ids = accepted.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray();
        var jobs = call.Json.GetProperty("data").GetProperty("jobs").EnumerateArray().ToArray();
        var callback = (await App.GetJobAsync(ids[0])).Body.GetProperty("callback");

        Assert.Equal("request.completed", call.Json.GetProperty("type").GetString());
        Assert.Equal(ids[0][..JobIds.KeyLength], call.Json.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(ids, jobs.Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(["succeeded", "failed", "succeeded"], jobs.Select(j => j.GetProperty("status").GetString()));
        Assert.Equal("delivered", callback.GetProperty("state").GetString());
    }

    [Fact]
    public async Task DuringRotation_EveryCallCarriesBothSignatures_EachVerifyingWithItsSecret()
    {
        Set("Tally:Callbacks:PreviousSigningSecret", Receiver.PreviousSecret);
        var hook = Receiver.Endpoint();

        await App.PostJobsAsync(Body(origin.Page("x"), hook));
        var call = Assert.Single(await CallsAsync(hook));
        var signatures = call.Signature.Split(' ');
        HeaderDictionary Headers(string signature) => new() { ["webhook-id"] = call.Id, ["webhook-timestamp"] = call.Timestamp, ["webhook-signature"] = signature };

        Assert.Equal(2, signatures.Length);
        Assert.All(signatures, s => Assert.StartsWith("v1,", s));
        Assert.Null(Receiver.VerifyError(Receiver.Secret, call.Body, Headers(call.Signature))); // the current secret's comes first
        Assert.Null(Receiver.VerifyError(Receiver.PreviousSecret, call.Body, Headers(signatures[1])));

        // StandardWebhooks 1.1.2 checks only the first of two signatures (its loop stops one early), so a receiver on
        // it still holding the previous secret refuses the pair; the README's Python verifier takes either (SignatureTests).
        Assert.Equal("No matching signature found", Receiver.VerifyError(Receiver.PreviousSecret, call.Body, Headers(call.Signature)));
    }
}
