using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>Reading batches back: listed newest first a page at a time, their pages read a slice at a time, a bad query or an unknown batch answered with a problem.</summary>
[Collection(BatchCollection.Name)]
public sealed class BatchPagingTests(Azurite azurite, Origin origin) : BatchAppTests(azurite)
{
    [Fact]
    public async Task Batches_AreListedNewestFirst_InPages()
    {
        var ids = new List<string>();
        foreach (var size in new[] { 1, 25, 2 })
        {
            _app.Clock.Advance(TimeSpan.FromMilliseconds(1)); // batch ids carry the millisecond they were started
            var id = (await _app.StartAsync(Body([.. Enumerable.Range(0, size).Select(_ => origin.Page("word"))], 4))).Text("id");
            await _app.CompletedAsync(id);
            ids.Add(id);
        }

        var all = await ListAsync("status=completed&limit=100");
        var listed = all.Body.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("id").GetString()!).Where(ids.Contains).ToList();
        var first = await ListAsync("status=completed&limit=1");
        var running = await ListAsync("status=running");

        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.DoesNotContain(all.Body.GetProperty("batches").EnumerateArray(), b => b.GetProperty("id").GetString()!.Contains('-'));
        Assert.All(all.Body.GetProperty("batches").EnumerateArray(), b => Assert.Equal("completed", b.GetProperty("status").GetString()));
        Assert.Single(first.Body.GetProperty("batches").EnumerateArray());
        Assert.Empty(running.Body.GetProperty("batches").EnumerateArray());
    }

    [Fact]
    public async Task Pages_AreReadASliceAtATime_InTheOrderOfTheUrls()
    {
        var urls = Enumerable.Range(1, 5).Select(i => origin.Page(string.Join(' ', Enumerable.Repeat("w", i)))).ToArray();
        var id = (await _app.StartAsync(Body(urls, 2))).Text("id");
        await _app.CompletedAsync(id);

        var slice = await PagesAsync(id, "offset=1&limit=2");
        var past = await PagesAsync(id, "offset=5");
        var unknown = await PagesAsync("b" + Tally.Jobs.JobIds.NewKey(_app.Clock.GetUtcNow()), ""); // well formed, never started

        Assert.Equal(200, slice.Status);
        Assert.Equal(5, slice.Body.GetProperty("total").GetInt32());
        Assert.Equal(1, slice.Body.GetProperty("offset").GetInt32());
        Assert.Equal([urls[1].AbsoluteUri, urls[2].AbsoluteUri], slice.Body.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("url").GetString()));
        Assert.Equal([2L, 3L], slice.Body.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("words").GetInt64()));
        Assert.Empty(past.Body.GetProperty("pages").EnumerateArray());
        Assert.Equal(404, unknown.Status);
    }

    [Theory]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=x", "offset")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    public async Task BadPagesQuery_Answers400(string query, string named)
    {
        var response = await PagesAsync("b" + new string('0', 28), query); // well formed and unknown: only the query is wrong

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains($"?{named}=", response.Text("detail"));
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    public async Task BadListing_Answers400(string query, string named)
    {
        var response = await ListAsync(query);

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(named, response.Text("detail"));
    }

    [Theory]
    [InlineData("b0000000000000000000000000000")]
    [InlineData("not-a-batch")]
    public async Task UnknownBatch_Answers404(string id)
    {
        var read = await _app.GetAsync(id);
        var terminated = await _app.ExecuteAsync(_app.Api.TerminateBatch(TallyApp.Request("DELETE"), _app.Client, id, default));

        Assert.All([read, terminated], response =>
        {
            Assert.Equal(404, response.Status);
            Assert.Equal("application/problem+json", response.ContentType);
            Assert.Contains($"There is no batch '{id}'", response.Text("detail"));
        });
    }

    private Task<ApiResponse> ListAsync(string query) =>
        _app.ExecuteAsync(_app.Api.ListBatches(TallyApp.Request("GET", query: "?" + query), _app.Client, default));
}
