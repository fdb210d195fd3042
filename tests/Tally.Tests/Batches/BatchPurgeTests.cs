using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>A finished batch is kept a whole result TTL after it finished, however long before that it started.</summary>
public sealed class BatchPurgeTests(BatchFixture fixture) : IClassFixture<BatchFixture>, IAsyncLifetime
{
    private BatchApp _app = null!;

    public async Task InitializeAsync() => _app = await BatchApp.StartAsync(fixture.Azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ALongBatch_IsKeptATtlAfterItFinished_NotAfterItStarted()
    {
        using var gate = new SemaphoreSlim(0);
        var url = fixture.Origin.Serve(async context =>
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(60)); // held until the batch has run a while: released below
            await Origin.Write(context, "slow page", "text/plain");
        });
        var id = (await _app.StartAsync($$"""{"urls": ["{{url}}"]}""")).Text("id");
        await Eventually.GetAsync(() => Task.FromResult(fixture.Origin.Hits(url)), hits => hits > 0, what: "the page requested");
        gate.Release();
        await _app.CompletedAsync(id);
        var instance = (await _app.Client.GetInstanceAsync(id, getInputsAndOutputs: false))!;
        var ran = instance.LastUpdatedAt - instance.CreatedAt;
        var ttl = new Tally.Jobs.JobsOptions().ResultTtl; // BatchApp keeps the default
        Assert.True(ran > TimeSpan.Zero, $"the batch ran {ran}");

        // A TTL after it started, but not yet a TTL after it finished.
        _app.Clock.SetUtcNow(instance.LastUpdatedAt + ttl - (ran / 2));
        var early = await _app.Batches.PurgeFinishedAsync(_app.Client, default);
        var read = await _app.GetAsync(id);

        _app.Clock.SetUtcNow(instance.LastUpdatedAt + ttl + TimeSpan.FromSeconds(1));
        var late = await _app.Batches.PurgeFinishedAsync(_app.Client, default);

        Assert.Equal(0, early);
        Assert.Equal(200, read.Status);
        Assert.True(late >= 1);
        Assert.Equal(404, (await _app.GetAsync(id)).Status);
    }
}
