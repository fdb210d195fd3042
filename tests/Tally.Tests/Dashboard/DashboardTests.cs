using System.Text.Json;
using Azure.Data.Tables;
using Deque.AxeCore.Playwright;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tally.Functions.Batches;
using Tally.Functions.Dashboard;
using Tally.Jobs;
using Tally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tally.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: the app's functions behind a local HTTP server (routes and auth levels from
/// functions.metadata) on Azurite and the Durable test host, the page in the OS's Chromium. The job worker runs
/// when a test drains the queue, so each test sees a job queued before it sees it finished.
/// </summary>
public sealed partial class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>, IAsyncLifetime
{

    private TallyApp _app = null!;
    private DurableTaskTestHost _durable = null!;
    private FunctionsServer _server = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _consoleErrors = [];

    private Origin Origin => fixture.Origin;

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
    public async Task WithoutAKey_ThePageAsksForIt_ThenShowsTheOverview()
    {
        await _page.GotoAsync("/api/dashboard");

        await _page.GetByLabel("Function key").FillAsync(FunctionsServer.Key);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();

        await Expect(Figure("[data-status=queued]")).ToHaveTextAsync("0");
        Assert.DoesNotContain(_consoleErrors, e => !e.Contains("401", StringComparison.Ordinal)); // the browser logs the refused call itself
    }

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
    public async Task SchedulesPage_ListsASchedule_WhosePageRunsItNow_AndPausesIt()
    {
        await _app.Get<Tally.Schedules.ScheduleService>().PutAsync(
            "morning-pages", new Tally.Schedules.ScheduleDefinition("0 6 * * *", "Europe/Paris", "jobs", [Origin.Page("a b")], null), default);
        await OpenAsync("#/schedules");

        await _page.GetByRole(AriaRole.Link, new() { Name = "morning-pages" }).ClickAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        await Expect(_page.Locator("[data-region='Recent runs'] tbody .status")).ToHaveTextAsync("created");
        await Expect(_page.Locator("[data-region='Recent runs'] tbody a")).ToHaveCountAsync(1); // the job it created
        await Expect(_page.Locator(".next-runs li")).ToHaveCountAsync(5);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeEnabledAsync();
        await Expect(_page.Locator(".next-runs li")).ToHaveCountAsync(0);
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
    public async Task FailedDelivery_IsListed_AndRedeliveredFromTheDeliveriesPage()
    {
        var receiver = new Receiver();
        await receiver.InitializeAsync();
        try
        {
            await RedeliverFromTheDeliveriesPageAsync(receiver);
        }
        finally
        {
            await receiver.DisposeAsync();
        }
    }

    private async Task RedeliverFromTheDeliveriesPageAsync(Receiver receiver)
    {
        var hook = receiver.Failing(1, 410);
        var id = (await _app.PostJobsAsync(JsonSerializer.Serialize(new { url = Origin.Page("x"), callbackUrl = hook }))).Text("id");
        var delivery = Tally.Callbacks.DeliveryIds.Job(id, 1);
        var deliveries = new CallbackQueueHost(_app.Queues, ActivatorUtilities.CreateInstance<Tally.Functions.Callbacks.CallbacksWorker>(_app.Services));
        await _app.Host.DrainAsync();
        await deliveries.UntilAsync(() => Task.FromResult(receiver.Calls(hook).Count == 1), what: "the first call");

        await OpenAsync("#/deliveries");
        var row = _page.Locator($"[data-delivery='{delivery}']");
        await Expect(row).ToContainTextAsync("HTTP 410 Gone");
        await AssertAccessibleAsync();
        await row.GetByRole(AriaRole.Button).ClickAsync();

        await Expect(_page.GetByText($"Redelivering {delivery}.")).ToBeVisibleAsync();
        await deliveries.UntilAsync(() => Task.FromResult(receiver.Calls(hook).Count == 2), what: "the redelivered call");
        await OpenAsync("#/deliveries?status=delivered");
        await Expect(_page.Locator($"[data-delivery='{delivery}']")).ToContainTextAsync("delivered");
        Assert.Equal(receiver.Calls(hook)[0].Id, receiver.Calls(hook)[1].Id);
        Assert.Empty(_consoleErrors);
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

    // --- Helpers ---

    private async Task OpenAsync(string hash) => await _page.GotoAsync($"/api/dashboard?code={FunctionsServer.Key}{hash}");

    private ILocator Figure(string selector) => _page.Locator($"dd{selector}");

    private ILocator Field(string name) => _page.Locator($"dd[data-field='{name}']");

    private async Task<IReadOnlyList<string>> EnqueueAsync(params Uri[] urls)
    {
        var response = await _app.PostJobsAsync(JsonSerializer.Serialize(new { urls = urls.Select(u => u.ToString()) }));
        Assert.Equal(202, response.Status);
        return response.Body.TryGetProperty("jobs", out var jobs)
            ? [.. jobs.EnumerateArray().Select(job => job.GetProperty("id").GetString()!)]
            : [response.Text("id")]; // one URL is answered with the job itself
    }

    private async Task<string> StartBatchAsync(IEnumerable<Uri> urls, int parallelism)
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
    private async Task AssertAccessibleAsync()
    {
        var result = await _page.RunAxe();
        var findings = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");
        Assert.Empty(findings);
    }

    /// <summary>Saves a screenshot; with TALLY_SCREENSHOTS=1, into the repository for the README.</summary>
    private async Task ScreenshotAsync(string name)
    {
        var folder = Environment.GetEnvironmentVariable("TALLY_SCREENSHOTS") == "1"
            ? Path.Combine(Repository.Root, "tests", "Tally.Tests", "Dashboard", "Screenshots")
            : Path.Combine(Path.GetTempPath(), "tally-screenshots");
        Directory.CreateDirectory(folder);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }
}
