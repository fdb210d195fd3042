using System.Text.Json;
using Tally.Host.Tests.Batches;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.StandIns;

/// <summary>
/// The in-memory Durable test host the in-process batch tests use (<see cref="BatchApp"/>) runs a batch as the real
/// host's Durable Functions do: the same scenario under both, the same progress, window and result.
/// </summary>
public sealed class DurableAgreementTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    [HostFact]
    public async Task InMemoryDurableHost_AgreesWithTheHost_OnProgressWindowAndResult()
    {
        var host = await BatchScenario.RunAsync(new RealHostBatches(Api), Suite.Origin);
        await using var app = await BatchApp.StartAsync(Suite.Azurite.ConnectionString);
        var standIn = await BatchScenario.RunAsync(new StandInBatches(app), Suite.Origin);

        Assert.Equal(host, standIn);
        Assert.Equal(BatchScenario.Parallelism, host.Peak);
        Assert.Equal(BatchScenario.Count, host.Succeeded);
    }

    private sealed class StandInBatches(BatchApp app) : IBatchesUnderTest
    {
        public async Task<string> StartAsync(IReadOnlyList<Uri> urls, int maxParallelism)
        {
            var accepted = await app.StartAsync(JsonSerializer.Serialize(new { urls, maxParallelism }));
            Assert.Equal(202, accepted.Status);
            return accepted.Text("id");
        }

        public async Task<JsonElement> GetAsync(string id) => (await app.GetAsync(id)).Body;
    }
}
