using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;

namespace Tally.Host.Tests.Fetching;

/// <summary>
/// A second host with private networks disallowed, as in Azure, on an Azurite of its own (a host on the shared storage
/// would take the shared host's jobs from their queue and refuse them).
/// </summary>
public sealed class PublicOnlyHost : IAsyncLifetime
{
    private FuncHost? _host;

    public Azurite Azurite { get; } = new();

    public FuncHost Host => _host ?? throw new InvalidOperationException("The public-only host has not started.");

    public async Task InitializeAsync()
    {
        if (FuncLocator.SkipReason is not null)
        {
            return;
        }

        await Azurite.InitializeAsync();
        _host = await HostSuite.StartHostAsync("public-only host", Azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Tally__Fetch__AllowPrivateNetworks"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            await Azurite.DisposeAsync();
        }
    }
}
