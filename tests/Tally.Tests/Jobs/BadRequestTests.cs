using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>Every rejected request answers problem+json with an actionable detail, and creates no job and no message.</summary>
[Collection(StorageCollection.Name)]
public sealed class BadRequestTests(Azurite azurite) : IAsyncLifetime
{
    private readonly TallyApp _app = new(azurite);

    public Task InitializeAsync() => _app.ClearQueuesAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, int, string> Bodies => new()
    {
        { "", 400, "not valid JSON" },
        { "{\"url\": ", 400, "not valid JSON at line 1" },
        { "[\"https://example.com\"]", 400, "a JSON array, not an object" },
        { "{}", 400, "names no URL" },
        { "{\"url\": \"https://example.com\", \"urls\": [\"https://example.org\"]}", 400, "either \"url\" or \"urls\", not both" },
        { "{\"url\": 42}", 400, "\"url\" must be a string" },
        { "{\"urls\": \"https://example.com\"}", 400, "\"urls\" must be an array" },
        { "{\"urls\": []}", 400, "\"urls\" is empty" },
        { "{\"url\": \"\"}", 400, "The URL is empty" },
        { "{\"url\": \"/relative/path\"}", 400, "not an absolute URL" },
        { "{\"url\": \"example.com/page\"}", 400, "not an absolute URL" },
        { "{\"url\": \"ftp://example.com/file.txt\"}", 400, "'ftp' scheme; only http and https" },
        { "{\"url\": \"file:///etc/passwd\"}", 400, "not an absolute URL" },
        { "{\"url\": \"https://user:secret@example.com/\"}", 400, "carries credentials" },
        { $"{{\"url\": \"https://example.com/{new string('a', 2100)}\"}}", 400, "the limit is 2,048" },
        { "{\"urls\": [\"https://example.com/ok\", \"gopher://example.com\", 7]}", 400, "2 of the 3 URLs cannot be fetched" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task RejectedBody_AnswersProblemJson_AndEnqueuesNothing(string body, int status, string detail)
    {
        var jobsBefore = await _app.JobCountAsync();

        var response = await _app.PostJobsAsync(body);

        Assert.Equal(status, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(detail, response.Text("detail"));
        Assert.Equal(status, response.Body.GetProperty("status").GetInt32());
        Assert.Equal(jobsBefore, await _app.JobCountAsync());
        Assert.Equal(0, await _app.MessageCountAsync());
    }

    [Fact]
    public async Task InvalidUrlsInAList_AreEachNamedWithTheirIndex()
    {
        var response = await _app.PostJobsAsync("{\"urls\": [\"https://example.com/ok\", \"gopher://example.com\", 7]}");

        var errors = response.Body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("urls[1] uses the 'gopher' scheme", errors[0]);
        Assert.Equal("urls[2] is not a string.", errors[1]);
    }

    [Fact]
    public async Task TooManyUrls_AreRejected_BeforeAnyIsEnqueued()
    {
        var urls = string.Join(",", Enumerable.Range(0, 1001).Select(i => $"\"https://example.com/{i}\""));
        var jobsBefore = await _app.JobCountAsync();

        var response = await _app.PostJobsAsync($"{{\"urls\": [{urls}]}}");

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("1,001 URLs; one request may enqueue at most 1,000", response.Text("detail"));
        Assert.Equal(jobsBefore, await _app.JobCountAsync());
        Assert.Equal(0, await _app.MessageCountAsync());
    }

    [Fact]
    public async Task OversizedBody_IsRejected_As413()
    {
        var body = $"{{\"url\": \"https://example.com/{new string('a', 5 * 1024 * 1024)}\"}}";

        var response = await _app.PostJobsAsync(body);

        Assert.Equal(413, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(0, await _app.MessageCountAsync());
    }

    [Theory]
    [InlineData("http://127.0.0.1/admin")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://localhost:8080/")]
    public async Task NonPublicAddress_IsRejectedAtTheDoor_WhenPrivateNetworksAreNotAllowed(string url)
    {
        await using var app = new TallyApp(azurite, new Dictionary<string, string?> { ["Tally:Fetch:AllowPrivateNetworks"] = "false" });
        var jobsBefore = await app.JobCountAsync();

        var response = await app.PostJobsAsync($$"""{"url": "{{url}}"}""");

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("not a public address", response.Text("detail"));
        Assert.Equal(jobsBefore, await app.JobCountAsync());
        Assert.Equal(0, await app.MessageCountAsync());
    }

    [Theory]
    [InlineData("ffffffffffffffffffffffffffff")] // well formed, unknown
    [InlineData("ffffffffffffffffffff")]         // the old 20-digit shape
    [InlineData("not-a-job-id")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFF")]
    public async Task UnknownOrMalformedId_Answers404ProblemJson(string id)
    {
        var read = await _app.GetJobAsync(id);
        var canceled = await _app.ExecuteAsync(_app.Api.CancelJob(TallyApp.Request("DELETE"), id, default));
        var retried = await _app.ExecuteAsync(_app.Api.RetryJob(TallyApp.Request("POST"), id, default));

        Assert.All([read, canceled, retried], response =>
        {
            Assert.Equal(404, response.Status);
            Assert.Equal("application/problem+json", response.ContentType);
            Assert.Contains($"There is no job '{id}'", response.Text("detail"));
        });
        Assert.Equal(0, await _app.MessageCountAsync());
    }

    [Theory]
    [InlineData("", "Give ?status= one of queued, running, succeeded, failed, canceled")]
    [InlineData("?status=broken", "'broken' is not one of them")]
    [InlineData("?status=failed&limit=0", "?limit= must be a whole number from 1 to 200")]
    [InlineData("?status=failed&limit=lots", "'lots' is not")]
    public async Task BadListQuery_Answers400ProblemJson(string query, string detail)
    {
        var response = await _app.ExecuteAsync(_app.Api.ListJobs(TallyApp.Request("GET", query: query), default));

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(detail, response.Text("detail"));
    }

    [Fact]
    public async Task Health_Answers503_WhenStorageIsUnreachable()
    {
        var closed = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        await using var app = new TallyApp(azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = closed });

        var health = await app.ExecuteAsync(app.Maintenance.Health(TallyApp.Request("GET"), default));

        Assert.Equal(503, health.Status);
        Assert.Equal("application/problem+json", health.ContentType);
        Assert.Contains("Storage did not answer", health.Text("detail"));
    }
}
