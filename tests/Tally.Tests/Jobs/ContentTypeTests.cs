using Tally.Functions.Batches;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// <c>POST /api/jobs</c> and <c>POST /api/batches</c> read only a body sent as <c>application/json</c>: a page elsewhere
/// can post <c>text/plain</c> or a form without a CORS preflight, and must not make a browser create work.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ContentTypeTests(Azurite azurite) : AppTests(azurite)
{
    private const string Body = """{"urls": ["https://example.com/"]}""";

    public static TheoryData<string?> Refused =>
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/merge-patch+json",
        "text/json",
        null,
    ];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task PostJobs_Answers415_ToAnyTypeButJson_AndEnqueuesNothing(string? contentType)
    {
        var before = await App.JobCountAsync();

        var response = await App.ExecuteAsync(App.Api.EnqueueJobs(TallyApp.Request("POST", Body, contentType: contentType), default));

        AssertRefused(response);
        Assert.Equal(before, await App.JobCountAsync());
        Assert.Equal(0, await App.MessageCountAsync());
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task PostBatches_Answers415_ToAnyTypeButJson_BeforeTouchingTheTaskHub(string? contentType)
    {
        var api = App.Get<BatchesApi>();

        // No Durable client at all: a refusal must not need one.
        var response = await App.ExecuteAsync(api.StartBatch(TallyApp.Request("POST", Body, contentType: contentType), client: null!, default));

        AssertRefused(response);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task PostJobs_AcceptsJson_WithOrWithoutParameters(string contentType)
    {
        var response = await App.ExecuteAsync(App.Api.EnqueueJobs(TallyApp.Request("POST", Body, contentType: contentType), default));

        Assert.Equal(202, response.Status);
    }

    private static void AssertRefused(ApiResponse response)
    {
        Assert.Equal(415, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("Content-Type: application/json", response.Text("detail"));
    }
}
