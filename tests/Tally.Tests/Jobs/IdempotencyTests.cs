using Tally.Idempotency;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Jobs;

/// <summary>
/// <c>POST /api/jobs</c> with an <c>Idempotency-Key</c>: a retry gets the first answer and creates nothing, another
/// request under the key is refused, concurrent ones create once, and a retry after storage failed anywhere in the
/// first try ends with exactly one set of jobs.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class IdempotencyTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    [Fact]
    public async Task ARetry_ReturnsTheFirstAnswer_AndCreatesNothing()
    {
        var key = NewKey();
        var body = $$"""{"urls": ["{{origin.Page("one")}}", "{{origin.Page("two two")}}"]}""";
        var before = await App.RecordCountsAsync();

        var first = await PostAsync(body, key);
        var second = await PostAsync(body.Replace(" ", "", StringComparison.Ordinal), key); // the same request, spaced otherwise

        Assert.Equal(202, first.Status);
        Assert.Equal(202, second.Status);
        Assert.Equal(first.Body.GetRawText(), second.Body.GetRawText()); // same ids, same times, same everything
        Assert.Equal("", first.Header(IdempotencyHeaderName));
        Assert.Equal("true", second.Header(IdempotencyHeaderName));
        Assert.Equal(before.All + 2, (await App.RecordCountsAsync()).All);
        Assert.Equal(1, await App.MessageCountAsync()); // one message of two jobs, sent once
    }

    [Fact]
    public async Task TheKeyWithAnotherBody_Answers409_AndCreatesNothing()
    {
        var key = NewKey();
        Assert.Equal(202, (await PostAsync($$"""{"url": "{{origin.Page("first")}}"}""", key)).Status);
        var before = await App.RecordCountsAsync();

        var other = await PostAsync($$"""{"url": "{{origin.Page("second")}}"}""", key);

        Assert.Equal(409, other.Status);
        Assert.Equal("application/problem+json", other.ContentType);
        Assert.Contains("was first sent with a different request", other.Text("detail"));
        Assert.Equal(before, await App.RecordCountsAsync());
        Assert.Equal(1, await App.MessageCountAsync());
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneKey_CreateOnce()
    {
        var key = NewKey();
        var body = $$"""{"url": "{{origin.Page("raced")}}"}""";
        var before = await App.RecordCountsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PostAsync(body, key))));

        Assert.Equal(before.All + 1, (await App.RecordCountsAsync()).All);
        Assert.Equal(1, await App.MessageCountAsync());
        Assert.All(answers, answer => Assert.Contains(answer.Status, new[] { 202, 409 }));
        Assert.Single(answers, answer => answer.Status == 202 && answer.Header(IdempotencyHeaderName) == "");
        Assert.Single(answers.Where(answer => answer.Status == 202).Select(answer => answer.Text("id")).Distinct());
        Assert.All(answers.Where(answer => answer.Status == 409), answer => Assert.NotEqual("", answer.RetryAfter));
    }

    public static TheoryData<int, StorageFault> Faults()
    {
        var data = new TheoryData<int, StorageFault>();
        for (var k = 1; k <= 8; k++)
        {
            data.Add(k, StorageFault.Fail);
            data.Add(k, StorageFault.LoseAnswer);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task StorageFailingAtAnyCallOfTheFirstTry_ThenARetry_EndsWithExactlyOneSetOfJobs(int k, StorageFault fault)
    {
        var key = NewKey();
        var body = $$"""{"urls": ["{{origin.Page("a b")}}", "{{origin.Page("c")}}", "{{origin.Page("d e f")}}"]}""";
        var before = await App.RecordCountsAsync();

        App.Faults.At(k, fault);
        var first = await PostAsync(body, key);
        App.Faults.Reset();
        App.Clock.Advance(IdempotentCreation.Lease + TimeSpan.FromSeconds(1)); // as a client waits before it retries
        var retry = await PostAsync(body, key);
        await App.Host.DrainAsync();

        Assert.Contains(first.Status, new[] { 202, 503 });
        Assert.Equal(202, retry.Status);
        if (first.Status == 202)
        {
            Assert.Equal(first.Body.GetRawText(), retry.Body.GetRawText());
        }

        var jobs = retry.Body.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(before.Visible + 3, (await App.RecordCountsAsync()).Visible); // one set, whatever the first try left
        foreach (var id in jobs)
        {
            var job = await App.GetJobAsync(id);
            Assert.Equal("succeeded", job.Text("status"));
            Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32()); // counted once
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" padded ")]
    [InlineData("tab\tinside")]
    [InlineData("ключ")]
    public async Task AKeyThatIsNotOne_Answers400_AndCreatesNothing(string key)
    {
        var before = await App.RecordCountsAsync();

        var response = await PostAsync($$"""{"url": "{{origin.Page("x")}}"}""", key);

        Assert.Equal(400, response.Status);
        Assert.Contains("Idempotency-Key must be 1 to 255 visible ASCII characters", response.Text("detail"));
        Assert.Equal(before, await App.RecordCountsAsync());
    }

    [Fact]
    public async Task AKeyLongerThan255Characters_Answers400()
    {
        var response = await PostAsync($$"""{"url": "{{origin.Page("x")}}"}""", new string('k', 256));

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task AfterTheResultTtl_TheKeyMayNameAnotherRequest()
    {
        var key = NewKey();
        var first = await PostAsync($$"""{"url": "{{origin.Page("then")}}"}""", key);
        App.Clock.Advance(App.ResultTtl + TimeSpan.FromMinutes(1));

        var later = await PostAsync($$"""{"url": "{{origin.Page("now")}}"}""", key);

        Assert.Equal(202, later.Status);
        Assert.NotEqual(first.Text("id"), later.Text("id"));
        Assert.Equal("", later.Header(IdempotencyHeaderName));
    }

    [Fact]
    public async Task ExpiredKeys_ArePurged_AndKeysStillInForceAreKept()
    {
        var expiring = NewKey();
        var kept = NewKey();
        Assert.Equal(202, (await PostAsync($$"""{"url": "{{origin.Page("expiring")}}"}""", expiring)).Status);
        App.Clock.Advance(App.ResultTtl + TimeSpan.FromMinutes(1));
        Assert.Equal(202, (await PostAsync($$"""{"url": "{{origin.Page("kept")}}"}""", kept)).Status);

        var purged = await App.Get<IdempotencyStore>().PurgeExpiredAsync(App.Clock.GetUtcNow(), default);

        Assert.True(purged >= 1, $"{purged} purged");
        Assert.Equal((false, true), (await KeyRowExistsAsync(expiring), await KeyRowExistsAsync(kept)));
    }

    /// <summary>Whether <c>TallyIdempotency</c> holds a row for <paramref name="key"/> on <c>POST /api/jobs</c> (its partition: SHA-256 of route and key).</summary>
    private async Task<bool> KeyRowExistsAsync(string key)
    {
        var partition = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"POST /api/jobs\n{key}")));
        var table = App.Get<Azure.Data.Tables.TableServiceClient>().GetTableClient(IdempotencyStore.TableName);
        return await table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == partition).AnyAsync();
    }

    private const string IdempotencyHeaderName = "Idempotent-Replayed";

    private static string NewKey() => Guid.NewGuid().ToString();

    private Task<ApiResponse> PostAsync(string body, string key) => App.ExecuteAsync(App.Api.EnqueueJobs(
        TallyApp.Request("POST", body, headers: new Dictionary<string, string> { [IdempotencyKey.Header] = key }), default));
}
