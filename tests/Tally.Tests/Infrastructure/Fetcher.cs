using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tally.Fetching;
using Tally.Hosting;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// The app's fetch pipeline (<c>AddTallyFetching</c>) with private networks closed, except for the
/// one loopback endpoint the test origin listens on, so a hostile origin on 127.0.0.1 can redirect
/// to addresses the guard must refuse. Every connection actually opened is recorded; one to any
/// address off this machine fails the test rather than leaving it.
/// </summary>
public sealed class Fetcher : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly RecordingConnection _connection;

    public Fetcher(Origin origin, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["Tally:Fetch:AllowPrivateNetworks"] = "false", ["Tally:Fetch:Timeout"] = "00:00:10" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        var exempt = new IPEndPoint(IPAddress.Loopback, origin.BaseAddress.Port);
        services.AddSingleton<GuardedConnection>(provider => new RecordingConnection(provider.GetRequiredService<IOptionsMonitor<FetchOptions>>(), exempt));
        services.AddTallyFetching();
        _services = services.BuildServiceProvider();
        _connection = (RecordingConnection)_services.GetRequiredService<GuardedConnection>();
    }

    public PageFetcher Pages => _services.GetRequiredService<PageFetcher>();

    /// <summary>Every endpoint a connection was opened to.</summary>
    public IReadOnlyCollection<IPEndPoint> Opened => _connection.Opened;

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private sealed class RecordingConnection(IOptionsMonitor<FetchOptions> options, IPEndPoint exempt) : GuardedConnection(options)
    {
        private readonly ConcurrentQueue<IPEndPoint> _opened = new();

        public IReadOnlyCollection<IPEndPoint> Opened => _opened;

        protected override bool IsAllowed(IPEndPoint endpoint) => endpoint.Equals(exempt) || base.IsAllowed(endpoint);

        protected override ValueTask<Stream> OpenAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
        {
            foreach (var address in addresses)
            {
                _opened.Enqueue(new IPEndPoint(address, port));
            }

            if (addresses.Any(a => !IPAddress.IsLoopback(a)))
            {
                throw new InvalidOperationException($"The test tried to connect off this machine, to {string.Join(", ", addresses)}.");
            }

            return base.OpenAsync(addresses, port, cancellationToken);
        }
    }
}
