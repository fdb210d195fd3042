using Tally.Tests.Infrastructure;

namespace Tally.Tests.Batches;

/// <summary>An Azurite (for the batches' blobs, and the task hub of the Azure Storage backend) and an origin, shared by a class's batch tests.</summary>
public sealed class BatchFixture : IAsyncLifetime
{
    public Azurite Azurite { get; } = new();

    public Origin Origin { get; } = new();

    public Task InitializeAsync() => Task.WhenAll(Azurite.InitializeAsync(), Origin.InitializeAsync());

    public async Task DisposeAsync()
    {
        await Origin.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
