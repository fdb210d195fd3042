using Azure.Data.Tables;
using Microsoft.Playwright;
using Tally.Functions.Dashboard;
using Tally.Jobs;
using Tally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tally.Tests.Dashboard;

/// <summary>What the dashboard guards: the function key (out of the address bar, sent only as a header), a strict content policy on every asset, and untrusted text shown as text.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardSecurityTests(DashboardFixture fixture) : DashboardBrowserTests(fixture)
{
    [Fact]
    public async Task TheKey_LeavesTheAddressBar_BeforeAnyRequest_AndIsSentOnlyAsAHeader()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _server.OnRequest = context =>
        {
            seen.Enqueue($"{context.Request.Path}{context.Request.QueryString} referer={context.Request.Headers.Referer}");
            return Task.CompletedTask;
        };
        await _page.AddInitScriptAsync("""
            window.__addresses = [];
            const fetched = window.fetch;
            window.fetch = (...args) => { window.__addresses.push(location.href); return fetched(...args); };
            """);

        await OpenAsync("#/");
        await Expect(Figure("[data-status=queued]")).ToHaveTextAsync("0");

        var addresses = await _page.EvaluateAsync<string[]>("() => window.__addresses");
        Assert.NotEmpty(addresses);
        Assert.All(addresses, address => Assert.DoesNotContain("code=", address, StringComparison.Ordinal)); // gone before the first call
        Assert.Single(seen, line => line.Contains(FunctionsServer.Key, StringComparison.Ordinal)); // the page's own address, once
        Assert.StartsWith("/api/dashboard?code=", seen.First(line => line.Contains(FunctionsServer.Key, StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKey_ThePageAsksForIt_ThenShowsTheOverview()
    {
        await _page.GotoAsync("/api/dashboard");

        await _page.GetByLabel("Function key").FillAsync(FunctionsServer.Key);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();

        await Expect(Figure("[data-status=queued]")).ToHaveTextAsync("0");
        Assert.DoesNotContain(_consoleErrors, e => !e.Contains("401", StringComparison.Ordinal)); // the browser logs the refused call itself
    }

    [Fact]
    public async Task MarkupInAJobsUrlAndError_IsShownAsText_AndRunsNothing()
    {
        const string url = "http://127.0.0.1/<img src=x onerror=\"window.pwned=1\">";
        const string error = "<script>window.pwned=2</script><b onmouseover=\"window.pwned=3\">bold</b>";
        var id = (await EnqueueAsync(Origin.Status(404)))[0];
        await _app.Host.DrainAsync();
        var (partition, row) = JobIds.Split(id);
        await _app.Table.UpdateEntityAsync(new TableEntity(partition, row) { ["Url"] = url, ["Error"] = error }, Azure.ETag.All, TableUpdateMode.Merge);

        await OpenAsync("#/jobs?status=failed");
        await Expect(_page.Locator("td.url")).ToHaveTextAsync(url);
        await _page.Locator($"[data-job='{id}'] a").ClickAsync();
        await Expect(Field("url")).ToHaveTextAsync(url);
        await Expect(Field("error")).ToHaveTextAsync(error);

        Assert.Equal(0, await _page.Locator("main img, main script, main b").CountAsync());
        Assert.Null(await _page.EvaluateAsync<int?>("() => window.pwned ?? null"));
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task OriginsView_ShowsAPausedOrigin_WithItsReasonAsText()
    {
        const string reason = "it answered 429 Too Many Requests with Retry-After: 60 <b onmouseover=\"window.pwned=1\">x</b>";
        var now = DateTimeOffset.UtcNow;
        await _app.Get<Tally.Politeness.IOriginShares>().RenewAsync(
            "http://paused.example", "dashboard-test", new Tally.Politeness.ShareRequest(16, 16, 0, 0, new Tally.Politeness.OriginPause(now.AddMinutes(1), reason)), now, default);

        await OpenAsync("#/origins");

        var row = _page.Locator("tr", new() { HasText = "http://paused.example" });
        await Expect(row).ToContainTextAsync(reason);
        Assert.Equal(0, await _page.Locator("main b").CountAsync());
        await AssertAccessibleAsync();
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task PageAndAssets_CarryAStrictPolicy_AndOnlyTheApiAsksForTheKey()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };

        foreach (var path in new[] { "/api/dashboard", "/api/dashboard/app.js", "/api/dashboard/jobs.js", "/api/dashboard/origins.js", "/api/dashboard/deliveries.js", "/api/dashboard/batches.js", "/api/dashboard/enqueue.js", "/api/dashboard/app.css", "/api/dashboard/icon.svg" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(DashboardFunctions.ContentSecurityPolicy, string.Join("", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", string.Join("", response.Headers.GetValues("Referrer-Policy")));
        }

        using var overview = await http.GetAsync("/api/overview");
        using var unknown = await http.GetAsync("/api/dashboard/secrets.json");
        using var page = await http.GetAsync("/api/dashboard");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(401, (int)overview.StatusCode);
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // no inline script: only <script src=…>
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
    }
}
