using System.Text.Json;
using Microsoft.Extensions.Options;
using Tally.Callbacks;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>Bad callback input answers 400 problem+json at the request, and enqueues nothing.</summary>
[Collection(CallbackCollection.Name)]
public sealed class CallbackRequestTests(Azurite azurite, Receiver receiver)
    : CallbackAppTests(azurite, receiver, new Dictionary<string, string?> { ["Tally:Fetch:AllowPrivateNetworks"] = "false" })
{
    [Theory]
    [InlineData("ftp://hooks.example.net/tally", "uses the 'ftp' scheme")]
    [InlineData("/relative/tally", "is not an absolute URL")]
    [InlineData("https://user:pw@hooks.example.net/tally", "carries credentials")]
    [InlineData("http://127.0.0.1/tally", "not a public address")]
    [InlineData("http://169.254.169.254/latest/meta-data", "not a public address")]
    [InlineData("http://localhost:8080/tally", "not a public address")]
    public async Task CallbackUrlThatCannotBeCalled_Answers400_AndEnqueuesNothing(string callbackUrl, string why)
    {
        var jobs = await App.PostJobsAsync(JsonSerializer.Serialize(new { url = "https://example.com/", callbackUrl }));

        Assert.Equal(400, jobs.Status);
        Assert.Equal("application/problem+json", jobs.ContentType);
        Assert.Contains("\"callbackUrl\"", jobs.Text("detail"));
        Assert.Contains(why, jobs.Text("detail"));
        Assert.Equal(0, await App.MessageCountAsync());
    }

    [Fact]
    public async Task OverlongCallbackUrl_Answers400()
    {
        var callbackUrl = "https://hooks.example.net/" + new string('a', 3000);

        var jobs = await App.PostJobsAsync(JsonSerializer.Serialize(new { url = "https://example.com/", callbackUrl }));

        Assert.Equal(400, jobs.Status);
        Assert.Contains("characters long; the limit is 2,048", jobs.Text("detail"));
        Assert.Equal(0, await App.MessageCountAsync());
    }

    [Theory]
    [InlineData("""{"url": "https://example.com/", "callbackUrl": "https://hooks.example.net/", "callbackMode": "batch"}""", "\"callbackMode\" must be")]
    [InlineData("""{"url": "https://example.com/", "callbackMode": "request"}""", "needs a \"callbackUrl\"")]
    [InlineData("""{"url": "https://example.com/", "callbackUrl": 42}""", "must be a string")]
    public async Task BadCallbackFields_Answer400(string body, string why)
    {
        var jobs = await App.PostJobsAsync(body);

        Assert.Equal(400, jobs.Status);
        Assert.Contains(why, jobs.Text("detail"));
        Assert.Equal(0, await App.MessageCountAsync());
    }

    [Fact]
    public async Task CallbackUrl_WithoutASigningSecret_Answers400SayingWhichSettingToSet()
    {
        await using var app = new TallyApp(Azurite(), new Dictionary<string, string?> { ["Tally:Callbacks:SigningSecret"] = "" });

        var jobs = await app.PostJobsAsync(JsonSerializer.Serialize(new { url = "https://example.com/", callbackUrl = "https://hooks.example.net/" }));

        Assert.Equal(400, jobs.Status);
        Assert.Contains("Tally:Callbacks:SigningSecret", jobs.Text("detail"));
        Assert.Equal(0, await app.MessageCountAsync());
    }

    [Theory]
    [InlineData("Tally:Callbacks:SigningSecret", "not-a-secret", "must be 'whsec_'")]
    [InlineData("Tally:Callbacks:SigningSecret", "whsec_c2hvcnQ=", "must be 'whsec_'")] // a 5-byte key
    [InlineData("Tally:Callbacks:RetryDelays", "00:00:05,soon", "'soon' is not a delay")]
    [InlineData("Tally:Callbacks:RetryDelays", "8.00:00:00", "at most 7 days")]
    [InlineData("Tally:Callbacks:Timeout", "00:00:00", "Timeout")]
    public async Task BadSetting_StopsTheAppAtStart_NamingIt(string setting, string value, string message)
    {
        await using var app = new TallyApp(Azurite(), new Dictionary<string, string?> { ["Tally:Callbacks:SigningSecret"] = Receiver.Secret, [setting] = value });

        var error = Assert.Throws<OptionsValidationException>(() => app.Get<IOptions<CallbacksOptions>>().Value);

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Deliveries_AnswerProblems_ForABadStatusLimitOrContinuation()
    {
        var status = await App.ExecuteAsync(DeliveriesApi.ListDeliveries(TallyApp.Request("GET", query: "?status=lost"), default));
        var limit = await App.ExecuteAsync(DeliveriesApi.ListDeliveries(TallyApp.Request("GET", query: "?limit=0"), default));
        var token = await App.ExecuteAsync(DeliveriesApi.ListDeliveries(TallyApp.Request("GET", query: "?continuation=%%%"), default));
        var unknown = await App.ExecuteAsync(DeliveriesApi.Redeliver(TallyApp.Request("POST"), "nope", default));

        Assert.Equal([400, 400, 400, 404], new[] { status.Status, limit.Status, token.Status, unknown.Status });
        Assert.Contains("pending, delivered, failed", status.Text("detail"));
    }

    private string Azurite() => ConnectionString;
}
