using Azure.Data.Tables;
using Microsoft.Playwright;
using Tally.Jobs;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Dashboard;

/// <summary>
/// What the dashboard tests share: an Azurite and an origin of their own (so the overview counts only their jobs),
/// and the OS's Chromium, driven by Playwright with no browser download and no name resolution beyond 127.0.0.1.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>The browser: <c>TALLY_CHROMIUM</c>, or where Debian's <c>chromium</c> package puts it (<c>scripts/test.sh</c> installs it when missing).</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("TALLY_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public Azurite Azurite { get; } = new();

    public Origin Origin { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The dashboard tests need Chromium at {ChromiumPath}: install it (Debian and Ubuntu: sudo apt-get install chromium), or set TALLY_CHROMIUM to a Chromium or Chrome binary.");
        }

        await Task.WhenAll(Azurite.InitializeAsync(), Origin.InitializeAsync());
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Every name resolves to nothing: the page may reach 127.0.0.1 and no other address.
            Args = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-proxy-server", "--disable-component-update"],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>Empties the job tables and queues, so a test's overview holds only its own jobs.</summary>
    public async Task ResetStorageAsync()
    {
        var tables = new TableServiceClient(Azurite.ConnectionString);
        foreach (var table in new[] { JobStorage.TableName, JobIndex.TableName, JobThroughput.TableName })
        {
            await tables.DeleteTableAsync(table);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Origin.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
