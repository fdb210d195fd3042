using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Tally.Benchmarks.Host;

/// <summary>
/// A reverse proxy in front of Azurite that counts every storage call (YARP's forwarder, one port per service): the
/// app and the Functions host are given its connection string, so every call either makes, Durable's included,
/// passes here. Calls are counted by service, verb and resource (table, queue or container), so a window's calls can
/// be told apart by what they touched. The signature of a call covers its path and headers, not the port, so a call
/// passes unchanged.
/// </summary>
internal sealed class CountingStorageProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _calls = new();
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
    });

    private CountingStorageProxy(WebApplication app, string connectionString) => (_app, ConnectionString) = (app, connectionString);

    /// <summary>A connection string for Azurite's account through this proxy.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts a proxy for the Azurite behind <paramref name="azuriteConnectionString"/>.</summary>
    public static async Task<CountingStorageProxy> StartAsync(string azuriteConnectionString)
    {
        var endpoints = azuriteConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(part => part.Split('=', 2))
            .Where(pair => pair[0].EndsWith("Endpoint", StringComparison.Ordinal))
            .ToDictionary(pair => pair[0], pair => new Uri(pair[1]));
        var ports = endpoints.ToDictionary(endpoint => endpoint.Key, _ => LocalOrigin.FreePort());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. ports.Values.Select(port => $"http://127.0.0.1:{port}")]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var services = ports.ToDictionary(
            pair => pair.Value,
            pair => (Name: pair.Key.Replace("Endpoint", "", StringComparison.Ordinal).ToLowerInvariant(), Destination: endpoints[pair.Key].GetLeftPart(UriPartial.Authority)));
        var proxy = new CountingStorageProxy(app, string.Join(';', azuriteConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2) is [var key, var value] && ports.TryGetValue(key, out var port)
                ? $"{key}=http://127.0.0.1:{port}{new Uri(value).AbsolutePath}"
                : part)) + ";");
        app.Map("/{**path}", async (HttpContext context, IHttpForwarder forwarder) =>
        {
            var service = services[context.Connection.LocalPort];
            proxy._calls.AddOrUpdate(Key(service.Name, context.Request), 1, (_, n) => n + 1);
            await forwarder.SendAsync(context, service.Destination, proxy._invoker, ForwarderRequestConfig.Empty, HttpTransformer.Empty);
        });
        await app.StartAsync();
        return proxy;
    }

    /// <summary>The calls counted so far, by service, verb and resource.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_calls);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _invoker.Dispose();
    }

    /// <summary>"table GET TallyJobs", "queue DELETE tally-jobs/messages", "blob PUT tally-batches": what a call touched.</summary>
    private static string Key(string service, HttpRequest request)
    {
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries); // account, resource, ...
        var resource = segments.Length > 1 ? segments[1].Split('(')[0] : "(account)";
        if (service == "queue" && segments.Length > 2)
        {
            resource += "/messages";
        }

        if (request.Query["comp"] is [{ } comp])
        {
            resource += $"?comp={comp}";
        }

        return $"{service} {request.Method} {resource}";
    }
}
