using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// A real HTTP origin (Kestrel on 127.0.0.1, a free port) whose pages each test registers under
/// a path of its own, and which counts the requests each path receives.
/// </summary>
public sealed class Origin : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, RequestDelegate> _pages = new();
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (_pages.TryGetValue(path, out var page))
            {
                await page(context);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Serves <paramref name="handler"/> at a new unique path.</summary>
    public Uri Serve(RequestDelegate handler, string? name = null)
    {
        var path = $"/{name ?? "page"}-{Guid.NewGuid():N}";
        _pages[path] = handler;
        return new Uri(BaseAddress, path);
    }

    /// <summary>Replaces what <paramref name="url"/> serves.</summary>
    public void Replace(Uri url, RequestDelegate handler) => _pages[url.AbsolutePath] = handler;

    /// <summary>Serves a fixed body.</summary>
    public Uri Page(string body, string contentType = "text/plain; charset=utf-8") =>
        Serve(context => Write(context, body, contentType));

    /// <summary>Answers every request with <paramref name="status"/>.</summary>
    /// <summary>A page that claims gzip but is not: reading it throws InvalidDataException, which nothing in Tally expects.</summary>
    public Uri CorruptGzip() => Serve(async context =>
    {
        context.Response.ContentType = "text/plain";
        context.Response.Headers.ContentEncoding = "gzip";
        await context.Response.Body.WriteAsync("this is not gzip at all"u8.ToArray());
    });

    public Uri Status(int status) => Serve(context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }, $"status{status}");

    /// <summary>Answers <paramref name="status"/> to the first <paramref name="failures"/> requests, then serves <paramref name="body"/>.</summary>
    public Uri Flaky(int failures, int status, string body)
    {
        var seen = 0;
        return Serve(context =>
        {
            if (Interlocked.Increment(ref seen) <= failures)
            {
                context.Response.StatusCode = status;
                return Task.CompletedTask;
            }

            return Write(context, body, "text/plain; charset=utf-8");
        }, "flaky");
    }

    /// <summary>How many requests <paramref name="url"/> received.</summary>
    public int Hits(Uri url) => _hits.GetValueOrDefault(url.AbsolutePath);

    public static Task Write(HttpContext context, string body, string contentType)
    {
        context.Response.ContentType = contentType;
        return context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body)).AsTask();
    }
}
