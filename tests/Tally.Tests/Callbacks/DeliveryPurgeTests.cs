using Tally.Callbacks;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Callbacks;

/// <summary>The delivery log keeps a delivery a result TTL after it became delivered or failed, and a pending one until it is final.</summary>
[Collection(CallbackCollection.Name)]
public sealed class DeliveryPurgeTests(Azurite azurite, Origin origin, Receiver receiver) : CallbackAppTests(azurite, receiver)
{
    [Fact]
    public async Task FinalDeliveries_ArePurgedATtlAfterTheyEnded_PendingOnesAreKept()
    {
        var delivered = Receiver.Endpoint();
        var failing = Receiver.Failing(int.MaxValue); // 500 to every call
        var waiting = Receiver.Endpoint();
        await App.PostJobsAsync(Body(origin.Page("one"), delivered));
        await App.PostJobsAsync(Body(origin.Page("two"), failing));
        await CallsAsync(delivered);
        await CallsAsync(failing, 5);
        await App.PostJobsAsync(Body(origin.Page("three"), waiting));
        await App.Host.DrainAsync(); // its job is final and its delivery recorded, but no attempt is made: pending
        var ended = DateTimeOffset.UtcNow; // storage's clock, which stamps a row's last write
        var purger = App.Get<DeliveryPurger>();

        App.Clock.SetUtcNow(ended + App.ResultTtl - TimeSpan.FromMinutes(1));
        await purger.PurgeAsync(default);
        var early = await StatesAsync(delivered, failing, waiting);
        App.Clock.SetUtcNow(ended + App.ResultTtl + TimeSpan.FromMinutes(1));
        var purged = await purger.PurgeAsync(default);
        var late = await StatesAsync(delivered, failing, waiting);

        Assert.Equal<string?>([DeliveryStates.Delivered, DeliveryStates.Failed, DeliveryStates.Pending], early);
        Assert.True(purged >= 2, $"{purged} purged");
        Assert.Equal<string?>([null, null, DeliveryStates.Pending], late);
    }

    private async Task<IReadOnlyList<string?>> StatesAsync(params Uri[] endpoints)
    {
        var states = new List<string?>();
        foreach (var endpoint in endpoints)
        {
            states.Add((await DeliveriesToAsync(endpoint)).SingleOrDefault()?.State);
        }

        return states;
    }

    private static string Body(Uri page, Uri hook) => $$"""{"url": "{{page}}", "callbackUrl": "{{hook}}"}""";
}
