using System.Collections.Concurrent;
using System.Text;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Tally.Politeness;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Politeness;

/// <summary>A URL fetched before is fetched conditionally: an origin that answers 304 sends no body, and the kept count is reused.</summary>
[Collection(StorageCollection.Name)]
public sealed class ConditionalFetchTests(Azurite azurite, Origin origin) : AppTests(azurite)
{
    private const string Body = "one two three four five";

    private readonly ConcurrentQueue<(string? IfNoneMatch, string? IfModifiedSince, int BodyBytes)> _requests = new();

    [Fact]
    public async Task SecondJob_IsRevalidatedByETag_WithZeroBodyBytes_AndTheSameCount()
    {
        var page = origin.Serve(context => Validated(context, etag: "\"v1\"", lastModified: null));

        var first = await RunJobAsync(page);
        var second = await RunJobAsync(page);

        Assert.Equal(5, first.Body.GetProperty("words").GetInt64());
        Assert.False(first.Body.TryGetProperty("revalidated", out _));
        Assert.Equal("succeeded", second.Text("status"));
        Assert.True(second.Body.GetProperty("revalidated").GetBoolean());
        Assert.Equal(0, second.Body.GetProperty("bytes").GetInt64());
        Assert.Equal(5, second.Body.GetProperty("words").GetInt64());
        Assert.Equal([(null, null, Encoding.UTF8.GetByteCount(Body)), ("\"v1\"", null, 0)], _requests);
    }

    [Fact]
    public async Task LastModifiedAlone_IsSentBackAsIfModifiedSince()
    {
        const string date = "Wed, 21 Oct 2015 07:28:00 GMT";
        var page = origin.Serve(context => Validated(context, etag: null, lastModified: date));

        await RunJobAsync(page);
        var second = await RunJobAsync(page);

        Assert.True(second.Body.GetProperty("revalidated").GetBoolean());
        Assert.Equal((null, date, 0), _requests.Last());
    }

    [Fact]
    public async Task ChangedPage_IsDownloadedAndCountedAgain()
    {
        var version = 1;
        var page = origin.Serve(context => Validated(context, etag: $"\"v{version}\"", lastModified: null, body: version == 1 ? Body : "now only three"));

        await RunJobAsync(page);
        version = 2;
        var second = await RunJobAsync(page);
        var third = await RunJobAsync(page);

        Assert.False(second.Body.TryGetProperty("revalidated", out _));
        Assert.Equal(3, second.Body.GetProperty("words").GetInt64());
        Assert.True(third.Body.GetProperty("revalidated").GetBoolean());
        Assert.Equal(3, third.Body.GetProperty("words").GetInt64());
    }

    [Fact]
    public async Task OriginWithoutValidators_IsNeverAskedConditionally()
    {
        var page = origin.Serve(context => Validated(context, etag: null, lastModified: null));

        await RunJobAsync(page);
        var second = await RunJobAsync(page);

        Assert.Equal(5, second.Body.GetProperty("words").GetInt64());
        Assert.All(_requests, request => Assert.Equal((null, null), (request.IfNoneMatch, request.IfModifiedSince)));
    }

    [Fact]
    public async Task OverLongETag_IsNotKept_AndThePageIsCountedWhole_EveryTime()
    {
        var etag = $"\"{new string('e', 40_000)}\""; // longer than a table property holds
        var page = origin.Serve(context => Validated(context, etag: etag, lastModified: null));

        var first = await RunJobAsync(page);
        var second = await RunJobAsync(page);

        Assert.Equal(("succeeded", 5L), (first.Text("status"), first.Body.GetProperty("words").GetInt64()));
        Assert.Equal(("succeeded", 5L), (second.Text("status"), second.Body.GetProperty("words").GetInt64()));
        Assert.False(second.Body.TryGetProperty("revalidated", out _));
        Assert.All(_requests, request => Assert.Null(request.IfNoneMatch));
    }

    [Fact]
    public async Task ExpiredValidators_ArePurged_AndUnexpiredOnesKept()
    {
        var expiring = origin.Serve(context => Validated(context, etag: "\"old\"", lastModified: null));
        var fresh = origin.Serve(context => Validated(context, etag: "\"new\"", lastModified: null));

        await RunJobAsync(expiring);
        App.Clock.Advance(App.ResultTtl + TimeSpan.FromMinutes(1)); // the first URL's result, and so its validators, expired
        await RunJobAsync(fresh);
        var before = (await ValidatorRowsAsync(expiring), await ValidatorRowsAsync(fresh));
        var purged = await App.Get<ValidatorPurger>().PurgeAsync(default);
        var after = (await ValidatorRowsAsync(expiring), await ValidatorRowsAsync(fresh));

        Assert.Equal((1, 1), before);
        Assert.True(purged >= 1, $"{purged} purged");
        Assert.Equal((0, 1), after);
    }

    private async Task<int> ValidatorRowsAsync(Uri page)
    {
        var table = App.Get<PolitenessStorage>().Tables.GetTableClient(ValidatorStore.TableName);
        return await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Url eq {page.AbsoluteUri}"), select: ["RowKey"]).CountAsync();
    }

    private async Task Validated(HttpContext context, string? etag, string? lastModified, string body = Body)
    {
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.FirstOrDefault();
        var ifModifiedSince = context.Request.Headers.IfModifiedSince.FirstOrDefault();
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }

        if (lastModified is not null)
        {
            context.Response.Headers.LastModified = lastModified;
        }

        if ((etag is not null && ifNoneMatch == etag) || (etag is null && lastModified is not null && ifModifiedSince == lastModified))
        {
            _requests.Enqueue((ifNoneMatch, ifModifiedSince, 0));
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        _requests.Enqueue((ifNoneMatch, ifModifiedSince, bytes.Length));
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(bytes);
    }

    private async Task<ApiResponse> RunJobAsync(Uri page)
    {
        var id = (await App.PostJobsAsync($$"""{"url": "{{page}}"}""")).Text("id");
        await App.Host.DrainAsync();
        return await App.GetJobAsync(id);
    }
}
