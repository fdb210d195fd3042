using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Tally.Politeness;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Politeness;

/// <summary>
/// <c>Tally:Politeness:StorageConnection</c> names another storage account for politeness's tables: an origin's share
/// and a page's validators are written there, and nothing of them in the app's own account.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class PolitenessConnectionTests(Azurite azurite) : IAsyncLifetime
{
    private readonly Azurite _politenessAccount = new(); // a second account, on ports of its own
    private readonly Origin _origin = new(); // an origin of its own, so no other test's rows name it

    public Task InitializeAsync() => Task.WhenAll(_politenessAccount.InitializeAsync(), _origin.InitializeAsync());

    public async Task DisposeAsync()
    {
        await _origin.DisposeAsync();
        await _politenessAccount.DisposeAsync();
    }

    [Fact]
    public async Task SharesAndValidators_AreWrittenToTheNamedConnection_NotToTheAppsAccount()
    {
        var release = new TaskCompletionSource();
        var page = _origin.Serve(async context =>
        {
            await release.Task; // held, so the origin's share is in use while the test looks for it
            context.Response.Headers.ETag = "\"v1\"";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("one two three");
        });
        var origin = OriginName.Of(page);
        await using var app = new TallyApp(azurite, new Dictionary<string, string?>
        {
            ["Tally:Politeness:StorageConnection"] = "TallyPoliteness",
            ["TallyPoliteness"] = _politenessAccount.ConnectionString,
        });
        await app.ClearQueuesAsync();

        var id = (await app.PostJobsAsync($$"""{"url": "{{page}}"}""")).Text("id");
        var drained = app.Host.DrainAsync();
        await Eventually.GetAsync(() => RowsAsync(_politenessAccount, OriginShares.TableName, $"Origin eq '{origin}'"), rows => rows == 1, TimeSpan.FromSeconds(60), "the origin's share row");
        var sharesInAppAccount = await RowsAsync(azurite, OriginShares.TableName, $"Origin eq '{origin}'");
        release.SetResult();
        await drained;
        var job = await app.GetJobAsync(id);

        Assert.Equal(("succeeded", 3L), (job.Text("status"), job.Body.GetProperty("words").GetInt64()));
        Assert.Equal(0, sharesInAppAccount);
        Assert.Equal(1, await RowsAsync(_politenessAccount, ValidatorStore.TableName, $"Url eq '{page.AbsoluteUri}'"));
        Assert.Equal(0, await RowsAsync(azurite, ValidatorStore.TableName, $"Url eq '{page.AbsoluteUri}'"));
        await app.ClearQueuesAsync();
    }

    /// <summary>Rows of <paramref name="table"/> in <paramref name="account"/> that match <paramref name="filter"/>; none when the table is not there.</summary>
    private static async Task<int> RowsAsync(Azurite account, string table, string filter)
    {
        try
        {
            return await new TableClient(account.ConnectionString, table).QueryAsync<TableEntity>(filter).CountAsync();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }
}
