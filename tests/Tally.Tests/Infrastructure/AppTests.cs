namespace Tally.Tests.Infrastructure;

/// <summary>
/// A test class on the shared Azurite of <see cref="StorageCollection"/>, with the app's own services (<see cref="App"/>):
/// each test starts with the job queues empty, and leaves them so.
/// </summary>
public abstract class AppTests(Azurite azurite) : IAsyncLifetime
{
    protected Azurite Azurite { get; } = azurite;

    protected TallyApp App { get; } = new(azurite);

    public Task InitializeAsync() => App.ClearQueuesAsync();

    public async Task DisposeAsync()
    {
        await App.ClearQueuesAsync();
        await App.DisposeAsync();
    }
}
