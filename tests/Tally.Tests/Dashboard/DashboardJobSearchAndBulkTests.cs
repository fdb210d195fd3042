using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tally.Tests.Dashboard;

/// <summary>The Jobs section at scale (jobs.js): find by job or request id, the origin filter, and bulk actions with a confirmation that states the count.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardJobSearchAndBulkTests(DashboardFixture fixture) : DashboardBrowserTests(fixture)
{
    [Fact]
    public async Task Find_OpensAJobById_AndListsARequestsJobsByItsId()
    {
        var ids = await EnqueueAsync(Origin.Page("first"), Origin.Page("second"));
        var other = await EnqueueAsync(Origin.Page("another request"));
        await OpenAsync("#/jobs");

        await FindAsync(ids[1]);
        await Expect(Field("id")).ToHaveTextAsync(ids[1]);
        await Expect(Field("request")).ToHaveTextAsync(ids[1][..28]);

        await Field("request").Locator("a").ClickAsync(); // the job's request, from its page
        await Expect(_page.Locator("tr[data-job]")).ToHaveCountAsync(2);
        Assert.Equal(ids, await _page.Locator("tr[data-job]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.job)")); // in the order given
        await AssertAccessibleAsync();

        await FindAsync(other[0][..28]);
        await Expect(_page.Locator("tr[data-job]")).ToHaveCountAsync(1);
        await FindAsync("not-an-id");
        await Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("neither a job id");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task OriginFilter_ListsOnlyThatHostsJobs_AndKeepsItAcrossStatusTabs()
    {
        var host = $"t{Guid.NewGuid():N}.example";
        var theirs = await EnqueueAsync(new Uri($"http://{host}/a"), new Uri($"https://{host}:8443/b"));
        await EnqueueAsync(Origin.Page("another host"));
        await OpenAsync("#/jobs?status=queued");
        await Expect(_page.Locator("tr[data-job]")).ToHaveCountAsync(3);

        await _page.Locator("#origin").FillAsync(host);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(_page.Locator("tr[data-job]")).ToHaveCountAsync(2);
        Assert.Equal(theirs.Order(), (await _page.Locator("tr[data-job]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.job)")).Order());
        await _page.GetByRole(AriaRole.Link, new() { Name = "failed", Exact = true }).ClickAsync();
        await Expect(_page.Locator(".empty")).ToHaveTextAsync($"No failed jobs of {host}.");
        await Expect(_page.Locator("#origin")).ToHaveValueAsync(host);
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task BulkRetryOfARequest_StatesTheCount_AndRequeuesExactlyItsFailedJobs()
    {
        var ids = await EnqueueAsync(Origin.Flaky(1, 404, "one two"), Origin.Page("fine"), Origin.Flaky(1, 404, "three"));
        var bystander = await EnqueueAsync(Origin.Status(404));
        await _app.Host.DrainAsync();
        await OpenAsync($"#/jobs?request={ids[0][..28]}");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Retry failed jobs…" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Retry 2 jobs: the failed jobs of this request?");
        await AssertAccessibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Retry 2 jobs" }).ClickAsync();

        await Expect(_page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Retried" })).ToHaveTextAsync("Retried 2 of 2 matched.");
        Assert.Equal(["queued", "succeeded", "queued"], await StatusesAsync(ids)); // counted through the API
        Assert.Equal(["failed"], await StatusesAsync(bystander));
        await _app.Host.DrainAsync();
        Assert.Equal(["succeeded", "succeeded", "succeeded"], await StatusesAsync(ids));
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task BulkCancelOfARequest_ChangesNothing_UntilConfirmed()
    {
        var ids = await EnqueueAsync(Origin.Page("a"), Origin.Page("b"), Origin.Page("c"));
        await OpenAsync($"#/jobs?request={ids[0][..28]}");
        var cancel = _page.GetByRole(AriaRole.Button, new() { Name = "Cancel queued jobs…" });
        var dialog = _page.GetByRole(AriaRole.Dialog);

        await cancel.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep them" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal(["queued", "queued", "queued"], await StatusesAsync(ids));

        await cancel.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel 3 jobs" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Canceled" })).ToHaveTextAsync("Canceled 3 of 3 matched.");
        Assert.Equal(["canceled", "canceled", "canceled"], await StatusesAsync(ids));
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task RetryInATimeRange_TakesOnlyFailuresRequestedInIt()
    {
        var ids = await EnqueueAsync(Origin.Flaky(1, 404, "back"), Origin.Flaky(1, 410, "again"));
        await _app.Host.DrainAsync();
        await OpenAsync("#/jobs?status=failed");
        await Expect(_page.Locator("tr[data-job]")).ToHaveCountAsync(2);
        var retry = _page.GetByRole(AriaRole.Button, new() { Name = "Retry failed jobs in range…" });

        await SetLocalTimeAsync("#range-to", TimeSpan.FromHours(-2)); // a range that ended before the jobs were requested
        await retry.ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Status).Filter(new() { HasText = "No failed" })).ToHaveTextAsync("No failed jobs requested in that range to retry.");

        await _page.Locator("#range-to").FillAsync("");
        await SetLocalTimeAsync("#range-from", TimeSpan.FromHours(-1));
        await retry.ClickAsync();
        await _page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Retry 2 jobs" }).ClickAsync();

        await Expect(_page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Retried" })).ToHaveTextAsync("Retried 2 of 2 matched.");
        Assert.Equal(["queued", "queued"], await StatusesAsync(ids));
        Assert.Empty(_consoleErrors);
    }

    private async Task FindAsync(string id)
    {
        await _page.Locator("#find").FillAsync(id);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
    }

    /// <summary>Sets a datetime-local input to now plus <paramref name="offset"/>, in the browser's own time zone.</summary>
    private Task SetLocalTimeAsync(string selector, TimeSpan offset) => _page.Locator(selector).EvaluateAsync(
        "(input, ms) => { const t = new Date(Date.now() + ms); input.value = new Date(t - t.getTimezoneOffset() * 60000).toISOString().slice(0, 19); }",
        offset.TotalMilliseconds);

    private async Task<string[]> StatusesAsync(IEnumerable<string> ids) =>
        await Task.WhenAll(ids.Select(async id => (await _app.GetJobAsync(id)).Text("status")));
}
