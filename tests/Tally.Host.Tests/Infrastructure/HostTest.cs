using Tally.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Infrastructure;

/// <summary>
/// A host test: it calls the shared host over HTTP, and when it ends the output each host it watched wrote meanwhile
/// goes to the test's output, which the runner shows for a test that failed. Each test starts once the shared host
/// answers healthy, whatever the test before it did to the host or its storage.
/// </summary>
[Collection(HostCollection.Name)]
public abstract class HostTest : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly List<(FuncHost Host, int Mark)> _watched = [];

    protected HostTest(HostSuite suite, ITestOutputHelper output)
    {
        Suite = suite;
        _output = output;
        if (FuncLocator.SkipReason is null)
        {
            Watch(suite.Host);
            Api = new TallyClient(suite.Host.Http);
        }
    }

    protected HostSuite Suite { get; }

    /// <summary>The shared host's API.</summary>
    protected TallyClient Api { get; } = null!;

    /// <summary>Adds <paramref name="host"/>'s output from now on to this test's output.</summary>
    protected void Watch(FuncHost host) => _watched.Add((host, host.Mark));

    public async Task InitializeAsync()
    {
        if (FuncLocator.SkipReason is null)
        {
            await Eventually.GetAsync(() => Api.GetAsync("api/health"), health => health.Status == 200, TallyClient.Patience, "the shared host to be healthy");
        }
    }

    public Task DisposeAsync()
    {
        foreach (var (host, mark) in _watched)
        {
            _output.WriteLine($"===== {host.Name} ({host.BaseAddress}) output during this test =====");
            _output.WriteLine(host.OutputSince(mark));
        }

        return Task.CompletedTask;
    }
}
