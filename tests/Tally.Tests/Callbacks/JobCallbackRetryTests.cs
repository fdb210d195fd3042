using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tally.Callbacks;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>
/// A job's callback to a receiver that fails: refused, slow, hung up, redirected or private. Retried under one webhook id
/// until it is delivered or its attempts run out, redelivered on request, and listed when it failed.
/// </summary>
[Collection(CallbackCollection.Name)]
public sealed class JobCallbackRetryTests(Azurite azurite, Origin origin, Receiver receiver) : JobCallbackAppTests(azurite, receiver)
{
    [Fact]
    public async Task ReceiverFailingThreeTimes_IsCalledFourTimes_UnderOneWebhookId()
    {
        var hook = Receiver.Failing(3);

        var accepted = await App.PostJobsAsync(Body(origin.Page("x"), hook));
        var calls = await CallsAsync(hook, 4);
        var callback = (await App.GetJobAsync(accepted.Text("id"))).Body.GetProperty("callback");

        Assert.Equal(4, calls.Count);
        Assert.Single(calls.Select(c => c.Id).Distinct());
        Assert.All(calls, c => Assert.Null(c.VerifyError));
        Assert.Single(calls.Select(c => Convert.ToBase64String(c.Body)).Distinct()); // the same event every time
        Assert.Equal("delivered", callback.GetProperty("state").GetString());
        Assert.Equal(4, callback.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task ReceiverThatNeverSucceeds_IsCalledOncePerDelay_ThenTheDeliveryFails_WithTheLastStatusAndAnExcerptOfItsBody()
    {
        var hook = Receiver.Endpoint(async (context, _) =>
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync(new string('e', 5000));
        });

        var accepted = await App.PostJobsAsync(Body(origin.Page("x"), hook));
        var calls = await CallsAsync(hook, 5);
        var callback = (await App.GetJobAsync(accepted.Text("id"))).Body.GetProperty("callback");

        Assert.Equal(5, calls.Count); // the first attempt and one for each of the four delays
        Assert.Equal("failed", callback.GetProperty("state").GetString());
        Assert.Equal(5, callback.GetProperty("attempts").GetInt32());
        Assert.Equal(503, callback.GetProperty("lastStatus").GetInt32());
        Assert.StartsWith("HTTP 503", callback.GetProperty("lastError").GetString());
        Assert.InRange(callback.GetProperty("lastError").GetString()!.Length, 1024, DeliveryEntity.MaxErrorLength);
    }

    [Fact]
    public async Task Receiver410_StopsRetries_AndRedeliverCallsAgain_UnderTheSameWebhookId()
    {
        var hook = Receiver.Failing(1, 410);

        var accepted = await App.PostJobsAsync(Body(origin.Page("x"), hook));
        var first = await CallsAsync(hook, 1);
        var failed = Assert.Single(await DeliveriesToAsync(hook));
        var redelivered = await App.ExecuteAsync(DeliveriesApi.Redeliver(TallyApp.Request("POST"), failed.Id, default));
        var again = await App.ExecuteAsync(DeliveriesApi.Redeliver(TallyApp.Request("POST"), failed.Id, default));
        var calls = await CallsAsync(hook, 2);
        var callback = (await App.GetJobAsync(accepted.Text("id"))).Body.GetProperty("callback");

        Assert.Single(first);
        Assert.Equal(DeliveryStates.Failed, failed.State);
        Assert.Equal(410, failed.LastStatus);
        Assert.Equal(202, redelivered.Status);
        Assert.Equal(409, again.Status); // pending: its attempts are under way
        Assert.Equal(2, calls.Count);
        Assert.Equal(calls[0].Id, calls[1].Id);
        Assert.Equal("delivered", callback.GetProperty("state").GetString());
    }

    [Fact]
    public async Task ReceiverThatDoesNotAnswerInTime_FailsTheAttempt_AndTheRetryDelivers()
    {
        var hook = Receiver.Endpoint(async (context, n) =>
        {
            if (n == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // past the 2 s timeout; ends when Tally hangs up
            }
        });

        var accepted = await App.PostJobsAsync(Body(origin.Page("x"), hook));
        var calls = await CallsAsync(hook, 2);
        var delivery = Assert.Single(await DeliveriesToAsync(hook));

        Assert.Equal(2, calls.Count);
        Assert.Equal(DeliveryStates.Delivered, delivery.State);
        Assert.Equal(2, delivery.Attempts);
        Assert.Equal(accepted.Text("id"), delivery.ResourceId);
    }

    [Fact]
    public async Task TimedOutAttempt_SaysSoInTheDeliveryLog()
    {
        Set("Tally:Callbacks:RetryDelays", "00:00:00.2");
        var hook = Receiver.Endpoint((context, _) => Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));

        await App.PostJobsAsync(Body(origin.Page("x"), hook));
        await CallsAsync(hook, 2);
        var delivery = Assert.Single(await DeliveriesToAsync(hook));

        Assert.Equal(DeliveryStates.Failed, delivery.State);
        Assert.Null(delivery.LastStatus);
        Assert.Contains("did not answer within 2 s", delivery.LastError);
    }

    [Fact]
    public async Task ReceiverThatClosesTheConnection_IsCalledAgain_UntilItAnswers()
    {
        var hook = Receiver.Endpoint((context, n) =>
        {
            if (n <= 2)
            {
                context.Abort();
            }

            return Task.CompletedTask;
        });

        await App.PostJobsAsync(Body(origin.Page("x"), hook));
        var calls = await CallsAsync(hook, 3);
        var delivery = Assert.Single(await DeliveriesToAsync(hook));

        Assert.Equal(3, calls.Count);
        Assert.Equal(DeliveryStates.Delivered, delivery.State);
    }

    [Fact]
    public async Task Redirect_IsAFailedAttempt_AndIsNeverFollowed()
    {
        Set("Tally:Callbacks:RetryDelays", "00:00:00.2");
        var target = Receiver.Endpoint();
        var hook = Receiver.Endpoint((context, _) =>
        {
            context.Response.Redirect(target.AbsoluteUri, false, true);
            return Task.CompletedTask;
        });

        await App.PostJobsAsync(Body(origin.Page("x"), hook));
        await CallsAsync(hook, 2);
        var delivery = Assert.Single(await DeliveriesToAsync(hook));

        Assert.Empty(Receiver.Calls(target));
        Assert.Equal(DeliveryStates.Failed, delivery.State);
        Assert.Equal(307, delivery.LastStatus);
        Assert.Contains("follow no redirects", delivery.LastError);
    }

    [Fact]
    public async Task PrivateReceiver_IsRefusedAtConnectTime_WhenPrivateNetworksAreNotAllowed_AndNotRetried()
    {
        var hook = Receiver.Endpoint();
        await App.PostJobsAsync(Body(origin.Page("x"), hook)); // accepted while private networks were allowed
        await App.Host.DrainAsync();

        Set("Tally:Fetch:AllowPrivateNetworks", "false");
        await Deliveries.UntilAsync(() => SettledAsync(hook), what: "the delivery to settle");
        var delivery = Assert.Single(await DeliveriesToAsync(hook));

        Assert.Empty(Receiver.Calls(hook));
        Assert.Equal(DeliveryStates.Failed, delivery.State);
        Assert.Equal(1, delivery.Attempts);
        Assert.Contains("not a public address", delivery.LastError);
    }

    [Fact]
    public async Task FailedDeliveries_AreListedAPageAtATime_WithTheirContractFields()
    {
        var hooks = Enumerable.Range(0, 3).Select(_ => Receiver.Failing(1000, 410)).ToArray();
        foreach (var hook in hooks)
        {
            await App.PostJobsAsync(Body(origin.Page("x"), hook));
        }

        foreach (var hook in hooks)
        {
            await CallsAsync(hook);
        }

        var listed = new List<JsonElement>();
        string? continuation = null;
        for (var pages = 0; pages < 500 && listed.Count(d => hooks.Any(h => h.AbsoluteUri == d.GetProperty("url").GetString())) < 3; pages++)
        {
            var query = "?status=failed&limit=1" + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}");
            var page = await App.ExecuteAsync(DeliveriesApi.ListDeliveries(TallyApp.Request("GET", query: query), default));
            Assert.Equal(200, page.Status);
            var deliveries = page.Body.GetProperty("deliveries").EnumerateArray().ToArray();
            Assert.True(deliveries.Length <= 1);
            listed.AddRange(deliveries);
            continuation = page.Body.TryGetProperty("continuation", out var next) ? next.GetString() : null;
            if (continuation is null)
            {
                break;
            }
        }

        var ours = listed.Where(d => hooks.Any(h => h.AbsoluteUri == d.GetProperty("url").GetString())).ToArray();
        Assert.Equal(3, ours.Length);
        Assert.All(ours, d =>
        {
            Assert.Equal(
                ["id", "type", "resourceId", "url", "state", "attempts", "lastStatus", "lastError", "createdAt"],
                d.EnumerateObject().Select(p => p.Name));
            Assert.Equal("failed", d.GetProperty("state").GetString());
            Assert.Equal("job.succeeded", d.GetProperty("type").GetString());
            Assert.Equal(410, d.GetProperty("lastStatus").GetInt32());
            Assert.Equal(1, d.GetProperty("attempts").GetInt32());
        });
    }
}
