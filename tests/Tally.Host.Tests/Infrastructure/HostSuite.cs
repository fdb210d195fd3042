using Tally.Tests.Infrastructure;

namespace Tally.Host.Tests.Infrastructure;

/// <summary>
/// What the host suite shares, started once: an Azurite (in memory, free loopback ports), an origin on 127.0.0.1, and
/// one Tally under the real Functions host on them. Tests that need a setting of their own start another host with
/// <see cref="StartHostAsync"/>. Where <c>func</c> is missing outside CI, nothing starts and every test is skipped;
/// in CI its absence fails the suite.
/// </summary>
public sealed class HostSuite : IAsyncLifetime
{
    /// <summary>
    /// The settings the shared host runs with, over local.settings.json. A failed message comes back after 1 s, not
    /// host.json's 30 s, so the retry and poison paths take seconds; <c>maxDequeueCount</c> stays host.json's. Callbacks
    /// are signed with the receiver's secret (requests with <c>callbackUrl</c> are refused without one).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SharedSettings = new Dictionary<string, string>
    {
        ["Tally__Fetch__AllowPrivateNetworks"] = "true", // the origin is on 127.0.0.1
        ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:01",
        ["Tally__Batches__RetryInterval"] = "00:00:00.200",
        ["Tally__Callbacks__SigningSecret"] = Receiver.Secret, // what the callback tests' receiver verifies with
        ["Tally__Callbacks__RetryDelays"] = "00:00:01,00:00:02,00:00:05", // a failed call is retried in seconds, not hours
    };

    private FuncHost? _host;

    public Azurite Azurite { get; } = new();

    public Origin Origin { get; } = new();

    /// <summary>
    /// An origin for pages that answer 5xx: Tally halves an origin's concurrency after one (AIMD), so failing pages on
    /// <see cref="Origin"/> would narrow the window the other tests count on.
    /// </summary>
    public Origin FailingOrigin { get; } = new();

    /// <summary>
    /// An origin whose concurrency limit, <see cref="LimitedOriginMaxConcurrent"/>, every host of the suite holds to
    /// (a per-origin override in <see cref="LimitedOriginSettings"/>), so two hosts can be shown to share it.
    /// </summary>
    public Origin LimitedOrigin { get; } = new();

    /// <summary>The limit of <see cref="LimitedOrigin"/>.</summary>
    public const int LimitedOriginMaxConcurrent = 4;

    /// <summary>The override that limits <see cref="LimitedOrigin"/>, in the origin form Tally reads (<c>http://127.0.0.1:port</c>).</summary>
    public IReadOnlyDictionary<string, string> LimitedOriginSettings => new Dictionary<string, string>
    {
        ["Tally__Politeness__Origins__0__Origin"] = LimitedOrigin.BaseAddress.GetLeftPart(UriPartial.Authority),
        ["Tally__Politeness__Origins__0__MaxConcurrent"] = $"{LimitedOriginMaxConcurrent}",
    };

    /// <summary>The shared host.</summary>
    public FuncHost Host => _host ?? throw new InvalidOperationException(FuncLocator.SkipReason ?? "The shared host has not started.");

    public async Task InitializeAsync()
    {
        if (FuncLocator.SkipReason is not null)
        {
            return;
        }

        FuncLocator.Require();
        await Task.WhenAll(Azurite.InitializeAsync(), Origin.InitializeAsync(), FailingOrigin.InitializeAsync(), LimitedOrigin.InitializeAsync());
        _host = await StartHostAsync("shared host", Azurite.ConnectionString, LimitedOriginSettings);
    }

    /// <summary>Starts another host on <paramref name="storage"/> with <paramref name="settings"/> over the shared ones.</summary>
    public static Task<FuncHost> StartHostAsync(string name, string storage, IReadOnlyDictionary<string, string> settings) =>
        FuncHost.StartAsync(name, storage, SharedSettings.Concat(settings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    /// <summary>Freezes storage (SIGSTOP to Azurite): connections are accepted by the kernel and never answered.</summary>
    public void StopStorage() => ProcessTree.Signal(Azurite.ProcessId, ProcessTree.SigStop);

    /// <summary>Lets storage run again (SIGCONT).</summary>
    public void ContinueStorage() => ProcessTree.Signal(Azurite.ProcessId, ProcessTree.SigCont);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (FuncLocator.SkipReason is null)
        {
            ContinueStorage(); // a test that failed mid-outage must not leave a stopped process behind
            await Origin.DisposeAsync();
            await FailingOrigin.DisposeAsync();
            await LimitedOrigin.DisposeAsync();
            await Azurite.DisposeAsync();
        }
    }
}

/// <summary>The host tests run one at a time against the one shared host: they share its queue, and some stop its storage or kill it.</summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostSuite>
{
    public const string Name = "host";
}
