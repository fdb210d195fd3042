using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>Job listings show each job's <c>callback</c> as <c>GET /api/jobs/{id}</c> does: its delivery's state, not only the URL.</summary>
[Collection(CallbackCollection.Name)]
public sealed class ListingCallbackTests(Azurite azurite, Origin origin, Receiver receiver) : CallbackAppTests(azurite, receiver)
{
    [Fact]
    public async Task StatusAndRequestListings_ShowEachJobsDeliveryState_AsGetDoes()
    {
        var delivered = Receiver.Endpoint();
        var failing = Receiver.Failing(int.MaxValue); // 500 to every call
        var perRequest = Receiver.Endpoint();
        var toDelivered = await App.PostJobsAsync(JsonSerializer.Serialize(new { url = origin.Page("one"), callbackUrl = delivered }));
        var toFailing = await App.PostJobsAsync(JsonSerializer.Serialize(new { url = origin.Page("two"), callbackUrl = failing }));
        var requestMode = await App.PostJobsAsync(JsonSerializer.Serialize(new { urls = new[] { origin.Page("three"), origin.Page("four") }, callbackUrl = perRequest, callbackMode = "request" }));
        var plain = await App.PostJobsAsync(JsonSerializer.Serialize(new { url = origin.Page("five") }));
        await CallsAsync(delivered);
        await CallsAsync(failing, 5);
        await CallsAsync(perRequest);
        string[] ids = [toDelivered.Text("id"), toFailing.Text("id"), .. requestMode.Body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()!), plain.Text("id")];

        var byStatus = Jobs(await ListAsync("status=succeeded&limit=100"));
        var byRequest = Jobs(await ListAsync($"request={requestMode.Text("requestId")}"));
        var got = new Dictionary<string, JsonElement>();
        foreach (var id in ids)
        {
            got[id] = (await App.GetJobAsync(id)).Body;
        }

        Assert.Equal(["delivered", "failed", "delivered", "delivered"], ids[..4].Select(id => got[id].GetProperty("callback").GetProperty("state").GetString()));
        Assert.All(ids[..4], id => Assert.Equal(got[id].GetProperty("callback").GetRawText(), byStatus[id].GetProperty("callback").GetRawText()));
        Assert.All(ids[2..4], id => Assert.Equal(got[id].GetProperty("callback").GetRawText(), byRequest[id].GetProperty("callback").GetRawText()));
        Assert.False(byStatus[ids[4]].TryGetProperty("callback", out _));
    }

    private async Task<ApiResponse> ListAsync(string query) =>
        await App.ExecuteAsync(App.Api.ListJobs(TallyApp.Request("GET", query: $"?{query}"), default));

    private static Dictionary<string, JsonElement> Jobs(ApiResponse listing) =>
        listing.Body.GetProperty("jobs").EnumerateArray().ToDictionary(job => job.GetProperty("id").GetString()!);
}
