using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Tally.Functions.Hosting;
using Tally.Telemetry;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Telemetry;

[Collection(StorageCollection.Name)]
public sealed class TelemetryTests(Azurite azurite, Origin origin) : IAsyncLifetime
{
    private readonly TallyApp _app = new(azurite);

    public Task InitializeAsync() => _app.ClearQueuesAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FinishedJobs_AreCountedByOutcome_WithWordsAndBytes()
    {
        var measurements = new ConcurrentBag<(string Instrument, long Value, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TallyMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var outcome = tags.ToArray().FirstOrDefault(t => t.Key == "outcome").Value as string;
            measurements.Add((instrument.Name, value, outcome));
        });
        listener.Start();

        await _app.PostJobsAsync($$"""{"urls": ["{{origin.Page("four words right here")}}", "{{origin.Status(404)}}"]}""");
        await _app.Host.DrainAsync();

        Assert.Contains(("tally.jobs.finished", 1L, "succeeded"), measurements);
        Assert.Contains(("tally.jobs.finished", 1L, "failed"), measurements);
        Assert.Contains(("tally.words.counted", 4L, (string?)null), measurements);
        Assert.Contains(("tally.bytes.fetched", 21L, (string?)null), measurements);
    }

    [Theory]
    [InlineData("Authorization=AAD;ClientId=0f0e0d0c-aaaa-bbbb-cccc-000000000001", "0f0e0d0c-aaaa-bbbb-cccc-000000000001")]
    [InlineData("ClientId=abc; Authorization=AAD", "abc")]
    [InlineData("Authorization=AAD", null)]
    [InlineData(null, null)]
    public void AuthenticationString_NamesTheManagedIdentityToExportWith(string? authentication, string? clientId) =>
        Assert.Equal(clientId, TallyFunctionsExtensions.ManagedIdentityClientId(authentication));
}
