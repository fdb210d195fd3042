using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Tally.Tests.Dashboard;

/// <summary>The schedules and deliveries sections: a schedule run now and paused from its page, a failed callback delivery listed and redelivered.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardSchedulesAndDeliveriesTests(DashboardFixture fixture) : DashboardBrowserTests(fixture)
{
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
}
