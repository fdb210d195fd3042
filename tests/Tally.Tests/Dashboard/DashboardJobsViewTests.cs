using Microsoft.Playwright;
using Tally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tally.Tests.Dashboard;

/// <summary>One job at a time on screen: enqueued from the form (or refused with the API's messages), listed twenty at a time, retried or canceled from its page.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardJobsViewTests(DashboardFixture fixture) : DashboardBrowserTests(fixture)
{
    [Fact]
    public async Task EnqueueForm_AddsAJob_ThatGoesFromQueuedToSucceededOnScreen()
    {
        var url = Origin.Page("alpha beta gamma");
        await OpenAsync("#/enqueue");
        await AssertAccessibleAsync();

        await _page.GetByLabel("URLs").FillAsync(url.ToString());
        await _page.GetByRole(AriaRole.Button, new() { Name = "Enqueue" }).ClickAsync();
        await _page.GetByRole(AriaRole.Status).Filter(new() { HasText = "1 job enqueued" }).GetByRole(AriaRole.Link).ClickAsync();

        await Expect(Field("status")).ToHaveTextAsync("queued");
        await AssertAccessibleAsync();
        await _app.Host.DrainAsync();
        await Expect(Field("status")).ToHaveTextAsync("succeeded");
        await Expect(Field("words")).ToHaveTextAsync("3");
        await Expect(Field("url")).ToHaveTextAsync(url.ToString());
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task EnqueueForm_ShowsTheApisValidationMessages_AndEnqueuesNothing()
    {
        const string body = """{"urls": ["not a url", "ftp://127.0.0.1/x"]}""";
        var api = await _app.PostJobsAsync(body);
        await OpenAsync("#/enqueue");

        await _page.GetByLabel("URLs").FillAsync("not a url\nftp://127.0.0.1/x");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Enqueue" }).ClickAsync();

        var alert = _page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync(api.Text("detail"));
        foreach (var error in api.Body.GetProperty("errors").EnumerateArray())
        {
            await Expect(alert).ToContainTextAsync(error.GetString()!);
        }

        Assert.Equal(400, api.Status);
        Assert.Equal(0, await _app.MessageCountAsync());
        Assert.Equal((0, 0), await _app.RecordCountsAsync());
    }

    [Fact]
    public async Task JobList_PagesOlderAndBackNewer_TwentyAtATime()
    {
        var ids = await EnqueueAsync([.. Enumerable.Range(0, 25).Select(_ => Origin.Page("waiting"))]);
        await OpenAsync("#/jobs?status=queued");
        var rows = _page.Locator("tr[data-job]");
        var older = _page.GetByRole(AriaRole.Button, new() { Name = "Older" });
        var newer = _page.GetByRole(AriaRole.Button, new() { Name = "Newer" });
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(newer).ToBeDisabledAsync();

        await older.ClickAsync();
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(older).ToBeDisabledAsync();
        var secondPage = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.job)");

        await newer.ClickAsync();
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(newer).ToBeDisabledAsync();
        Assert.Equal(ids.Order(StringComparer.Ordinal).Skip(20), secondPage.Order(StringComparer.Ordinal)); // the listing runs in id order: page two is the last five
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task FailedJob_IsRetriedFromItsPage()
    {
        var url = Origin.Status(404);
        var id = (await EnqueueAsync(url))[0];
        await _app.Host.DrainAsync();
        Origin.Replace(url, context => Origin.Write(context, "back again", "text/plain"));
        await OpenAsync($"#/jobs?status=failed");
        await AssertAccessibleAsync();
        await _page.Locator($"[data-job='{id}'] a").ClickAsync();
        await Expect(Field("status")).ToHaveTextAsync("failed");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(Field("status")).ToHaveTextAsync("queued");
        await _app.Host.DrainAsync();
        await Expect(Field("status")).ToHaveTextAsync("succeeded");
        await Expect(Field("attempts")).ToHaveTextAsync("2");
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeDisabledAsync();
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task QueuedJob_IsCanceledFromItsPage_AndNeverFetched()
    {
        var url = Origin.Page("never read");
        var id = (await EnqueueAsync(url))[0];
        await OpenAsync($"#/jobs/{id}");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(Field("status")).ToHaveTextAsync("canceled");
        await _app.Host.DrainAsync();
        await Expect(Field("status")).ToHaveTextAsync("canceled");
        Assert.Equal(0, Origin.Hits(url));
        Assert.Empty(_consoleErrors);
    }
}
