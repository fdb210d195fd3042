using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.DurableTask.Testing;
using Microsoft.Playwright;
using Tally.Functions.Batches;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: the app's functions behind a local HTTP server (routes and auth levels from
/// functions.metadata) on Azurite and the Durable test host, the page in the OS's Chromium. The job worker runs
/// when a test drains the queue, so each test sees a job queued before it sees it finished. Every test starts its own
/// app, server and browser context on the <see cref="DashboardCollection"/>'s fixture.
/// </summary>
public abstract class DashboardBrowserTests(DashboardFixture fixture) : IAsyncLifetime
{
    // Named as fields of the one class these tests were split from, so that each test reads as it was written.
    protected TallyApp _app = null!;
    private DurableTaskTestHost _durable = null!;
    protected FunctionsServer _server = null!;
    private IBrowserContext _context = null!;
    protected IPage _page = null!;
    protected readonly List<string> _consoleErrors = [];

    protected Origin Origin => fixture.Origin;

    public async Task InitializeAsync()
    {
        await fixture.ResetStorageAsync();
        _app = new TallyApp(fixture.Azurite, new Dictionary<string, string?>
        {
            ["Tally:Batches:RetryInterval"] = "00:00:00.050",
            ["Tally:Batches:SliceSize"] = "4", // progress moves every 4 pages, so a test can hold a batch part-way
            ["Tally:Callbacks:SigningSecret"] = Receiver.Secret,
        });
        await _app.ClearQueuesAsync();
        _durable = await BatchApp.StartTestHostAsync(_app.Get<BatchFunctions>());
        _server = await FunctionsServer.StartAsync(_app.Services, _durable.Client);
        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        _page = await _context.NewPageAsync();
        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Add(message.Text);
            }
        };
        _page.PageError += (_, error) => _consoleErrors.Add(error);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _server.DisposeAsync();
        await _durable.DisposeAsync();
        await _app.DisposeAsync();
    }

    protected async Task OpenAsync(string hash) => await _page.GotoAsync($"/api/dashboard?code={FunctionsServer.Key}{hash}");

    protected ILocator Figure(string selector) => _page.Locator($"dd{selector}");

    protected ILocator Field(string name) => _page.Locator($"dd[data-field='{name}']");

    protected async Task<IReadOnlyList<string>> EnqueueAsync(params Uri[] urls)
    {
        var response = await _app.PostJobsAsync(JsonSerializer.Serialize(new { urls = urls.Select(u => u.ToString()) }));
        Assert.Equal(202, response.Status);
        return response.Body.TryGetProperty("jobs", out var jobs)
            ? [.. jobs.EnumerateArray().Select(job => job.GetProperty("id").GetString()!)]
            : [response.Text("id")]; // one URL is answered with the job itself
    }

    protected async Task<string> StartBatchAsync(IEnumerable<Uri> urls, int parallelism)
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        http.DefaultRequestHeaders.Add("x-functions-key", FunctionsServer.Key);
        using var response = await http.PostAsync("/api/batches", new StringContent(
            JsonSerializer.Serialize(new { urls = urls.Select(u => u.ToString()), maxParallelism = parallelism }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>No serious or critical finding by axe-core on the page as it is now.</summary>
    protected async Task AssertAccessibleAsync()
    {
        var result = await _page.RunAxe();
        var findings = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");
        Assert.Empty(findings);
    }

    /// <summary>Saves a screenshot; with TALLY_SCREENSHOTS=1, into the repository for the README.</summary>
    protected async Task ScreenshotAsync(string name)
    {
        var folder = Environment.GetEnvironmentVariable("TALLY_SCREENSHOTS") == "1"
            ? Path.Combine(Repository.Root, "tests", "Tally.Tests", "Dashboard", "Screenshots")
            : Path.Combine(Path.GetTempPath(), "tally-screenshots");
        Directory.CreateDirectory(folder);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }
}
