using Microsoft.Playwright;
using Tally.Jobs;
using Tally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tally.Tests.Dashboard;

/// <summary>The overview (app.js): its figures and chart, polling that never overlaps, the connection line, and a phone-sized window reached by keyboard.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardOverviewTests(DashboardFixture fixture) : DashboardBrowserTests(fixture)
{
    [Fact]
    public async Task Overview_TakesTheKeyFromTheAddress_AndShowsJobsQueuesAndTheLastHour()
    {
        var words = "one two three four five";
        await EnqueueAsync(Origin.Page(words), Origin.Status(404), Origin.Page("six seven"));
        await _app.Host.DrainAsync();
        await EnqueueAsync(Origin.Page("left queued"));
        await _app.Get<JobThroughput>().FlushAsync(default);

        await OpenAsync("#/");

        await Expect(Figure("[data-status=succeeded]")).ToHaveTextAsync("2");
        await Expect(Figure("[data-status=failed]")).ToHaveTextAsync("1");
        await Expect(Figure("[data-status=queued]")).ToHaveTextAsync("1");
        await Expect(Figure("[data-figure=queue]")).ToHaveTextAsync("1");
        await Expect(Figure("[data-figure=poison]")).ToHaveTextAsync("0");
        await Expect(Figure("[data-figure=succeeded]")).ToHaveTextAsync("2");
        await Expect(Figure("[data-figure=failed]")).ToHaveTextAsync("1");
        await Expect(Figure("[data-figure=words]")).ToHaveTextAsync("7");
        await Expect(_page.Locator("svg.chart")).ToHaveAttributeAsync("data-total", "3");
        await Expect(_page.Locator("#connection")).ToContainTextAsync("Live");

        // The key left the address, stayed in this tab's session storage, and is nowhere in the page.
        Assert.DoesNotContain("code=", _page.Url, StringComparison.Ordinal);
        Assert.Equal(FunctionsServer.Key, await _page.EvaluateAsync<string>("() => sessionStorage.getItem('tally.functionKey')"));
        Assert.DoesNotContain(FunctionsServer.Key, await _page.ContentAsync(), StringComparison.Ordinal);
        await AssertAccessibleAsync();
        await ScreenshotAsync("overview");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Polls_NeverOverlap_WhenAnAnswerIsSlow()
    {
        using var gate = new SemaphoreSlim(0);
        var sync = new object();
        int inFlight = 0, peak = 0, arrived = 0;
        _server.OnRequest = async context =>
        {
            if (context.Request.Path != "/api/overview")
            {
                return;
            }

            lock (sync)
            {
                arrived++;
                peak = Math.Max(peak, ++inFlight);
            }

            try
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(60)); // the slow answer: held until released below
            }
            finally
            {
                lock (sync)
                {
                    inFlight--;
                }
            }
        };
        int Arrived()
        {
            lock (sync)
            {
                return arrived;
            }
        }

        await _page.AddInitScriptAsync("""
            window.__overviewCalls = 0;
            const fetched = window.fetch;
            window.fetch = (url, ...rest) => { if (String(url).startsWith('/api/overview')) window.__overviewCalls++; return fetched(url, ...rest); };
            """);
        await _page.Clock.InstallAsync();
        await OpenAsync("#/");
        await Eventually.GetAsync(() => Task.FromResult(Arrived()), n => n == 1, what: "the first overview request");

        await _page.Clock.RunForAsync(4 * 3000); // four polling intervals pass while the first answer is held
        var issued = await _page.EvaluateAsync<int>("() => window.__overviewCalls");
        await Eventually.GetAsync(() => Task.FromResult(Arrived()), n => n == issued, what: "every request the page issued");

        gate.Release(100);
        await Expect(Figure("[data-status=queued]")).ToHaveTextAsync("0");
        await _page.Clock.RunForAsync(3000); // the next poll, now that the first has ended
        await Eventually.GetAsync(() => Task.FromResult(Arrived()), n => n >= 2, what: "the next poll");

        Assert.Equal(1, issued);
        lock (sync)
        {
            Assert.Equal(1, peak);
        }
    }

    [Fact]
    public async Task UnreachableApp_IsShownAsSuch_AndRecovers()
    {
        await OpenAsync("#/");
        await Expect(_page.Locator("#connection")).ToContainTextAsync("Live");

        _server.Unplugged = true;
        await Expect(_page.Locator("#connection")).ToContainTextAsync("Cannot reach Tally");
        await Expect(_page.Locator("#connection")).ToHaveClassAsync("offline");

        _server.Unplugged = false;
        await Expect(_page.Locator("#connection")).ToContainTextAsync("Live");
    }

    [Fact]
    public async Task OnAPhoneSizedWindow_NothingScrollsSideways_AndTheKeyboardReachesEverySection()
    {
        await _page.SetViewportSizeAsync(390, 844);
        await OpenAsync("#/");
        await Expect(Figure("[data-status=queued]")).ToHaveTextAsync("0");

        Assert.True(await _page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await _page.Keyboard.PressAsync("Tab");
        await Expect(_page.Locator(":focus")).ToHaveTextAsync("Skip to content");
        foreach (var section in new[] { "Overview", "Jobs", "Batches", "Schedules", "Enqueue" })
        {
            await _page.Keyboard.PressAsync("Tab");
            await Expect(_page.Locator(":focus")).ToHaveTextAsync(section);
        }

        await _page.Keyboard.PressAsync("Enter");
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Enqueue" })).ToBeVisibleAsync();
        await AssertAccessibleAsync();
    }
}
