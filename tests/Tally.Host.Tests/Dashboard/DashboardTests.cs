using Microsoft.Playwright;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Dashboard;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tally.Host.Tests.Dashboard;

/// <summary>The dashboard as the real host serves it, in the OS's Chromium (no name resolves beyond 127.0.0.1).</summary>
public sealed class DashboardTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    [HostFact]
    public async Task Dashboard_LoadsWithoutConsoleErrors_AndItsFormEnqueuesAJobThatSucceeds()
    {
        Assert.True(File.Exists(DashboardFixture.ChromiumPath), $"The dashboard test needs Chromium at {DashboardFixture.ChromiumPath} (apt-get install chromium, or TALLY_CHROMIUM).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = DashboardFixture.ChromiumPath,
            Headless = true,
            Args = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-proxy-server", "--disable-component-update"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = Suite.Host.BaseAddress.ToString() });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        var url = Suite.Origin.Page("alpha beta gamma");

        var loaded = await page.GotoAsync("/api/dashboard#/enqueue");
        await page.GetByLabel("URLs").FillAsync(url.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Enqueue" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).Filter(new() { HasText = "1 job enqueued" }).GetByRole(AriaRole.Link).ClickAsync();

        await Expect(Field(page, "status")).ToHaveTextAsync("succeeded", new() { Timeout = (float)TallyClient.Patience.TotalMilliseconds });
        await Expect(Field(page, "words")).ToHaveTextAsync("3");
        await Expect(Field(page, "url")).ToHaveTextAsync(url.ToString());
        Assert.Equal(200, loaded?.Status);
        Assert.Empty(errors);
        Assert.Equal(1, Suite.Origin.Hits(url));
    }

    private static ILocator Field(IPage page, string name) => page.Locator($"dd[data-field='{name}']");
}
