using Microsoft.DurableTask.Client;
using Tally.Idempotency;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary><c>POST /api/batches</c> with an <c>Idempotency-Key</c>: a client that retries a timed-out start gets its first batch, not a second one.</summary>
public sealed class BatchIdempotencyTests(BatchFixture fixture) : IClassFixture<BatchFixture>, IAsyncLifetime
{
    private BatchApp _app = null!;

    public async Task InitializeAsync() => _app = await BatchApp.StartAsync(fixture.Azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ARetriedStart_AnswersTheFirstBatch_AndStartsNoOther()
    {
        var key = Guid.NewGuid().ToString();
        var body = $$"""{"urls": ["{{fixture.Origin.Page("one two")}}"], "maxParallelism": 2}""";

        var first = await StartAsync(body, key);
        var retry = await StartAsync(body, key);

        Assert.Equal(202, first.Status);
        Assert.Equal(202, retry.Status);
        Assert.Equal(first.Body.GetRawText(), retry.Body.GetRawText());
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.Equal([first.Text("id")], (await _app.Client.GetAllInstancesAsync().ToListAsync()).Select(i => i.InstanceId));
    }

    [Fact]
    public async Task TheKeyWithOtherUrls_Answers409_AndStartsNothing()
    {
        var key = Guid.NewGuid().ToString();
        Assert.Equal(202, (await StartAsync($$"""{"urls": ["{{fixture.Origin.Page("a")}}"]}""", key)).Status);

        var other = await StartAsync($$"""{"urls": ["{{fixture.Origin.Page("b")}}"]}""", key);

        Assert.Equal(409, other.Status);
        Assert.Equal("application/problem+json", other.ContentType);
        Assert.Single(await _app.Client.GetAllInstancesAsync().ToListAsync());
    }

    private Task<ApiResponse> StartAsync(string body, string key) => _app.ExecuteAsync(_app.Api.StartBatch(
        TallyApp.Request("POST", body, headers: new Dictionary<string, string> { [IdempotencyKey.Header] = key }), _app.Client, default));
}
