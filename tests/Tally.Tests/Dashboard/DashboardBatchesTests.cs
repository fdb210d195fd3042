using Microsoft.Playwright;
using Tally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tally.Tests.Dashboard;

/// <summary>Batches on screen (batches.js): progress rising as slices finish, results paged through, a running batch terminated from its page.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBatchesTests(DashboardFixture fixture) : DashboardBrowserTests(fixture)
{
    [Fact]
    public async Task Batch_ProgressRisesOnScreen_AndItsResultsPageThrough()
    {
        using var gate = new SemaphoreSlim(0);
        var urls = Enumerable.Range(0, 30).Select(i => Origin.Serve(async context =>
        {
            await gate.WaitAsync(context.RequestAborted);
            await Origin.Write(context, $"page {i} words", "text/plain");
        })).ToList();
        var id = await StartBatchAsync(urls, parallelism: 4);
        await OpenAsync("#/batches");
        var row = _page.Locator($"[data-batch='{id}']");
        await Expect(row.Locator("progress")).ToHaveAttributeAsync("value", "0");
        await AssertAccessibleAsync();

        gate.Release(12);
        await Expect(row.Locator(".progress-text")).ToContainTextAsync("12 of 30");
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(_page.Locator("[data-field=progress] .progress-text")).ToContainTextAsync("12 of 30");
        await AssertAccessibleAsync();
        await ScreenshotAsync("batch");

        gate.Release(18);
        await Expect(Field("status")).ToHaveTextAsync("completed");
        await Expect(_page.Locator("[data-field=progress] .progress-text")).ToHaveTextAsync("30 of 30");
        await Expect(_page.GetByText("Pages 1–20 of 30")).ToBeVisibleAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Next pages" }).ClickAsync();
        await Expect(_page.GetByText("Pages 21–30 of 30")).ToBeVisibleAsync();
        await Expect(_page.Locator("td.url").Last).ToHaveTextAsync(urls[29].ToString());
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task RunningBatch_IsTerminatedFromItsPage()
    {
        using var gate = new SemaphoreSlim(0);
        var urls = Enumerable.Range(0, 6).Select(_ => Origin.Serve(async context => await gate.WaitAsync(context.RequestAborted))).ToList();
        var id = await StartBatchAsync(urls, parallelism: 2);
        await OpenAsync($"#/batches/{id}");
        await Expect(Field("status")).ToHaveTextAsync("running");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Terminate" }).ClickAsync();

        await Expect(Field("status")).ToHaveTextAsync("terminated");
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Terminate" })).ToBeDisabledAsync();
        Assert.Empty(_consoleErrors);
    }
}
