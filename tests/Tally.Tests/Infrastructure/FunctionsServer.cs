using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tally.Functions.Http;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// The app's HTTP functions on a real HTTP server at 127.0.0.1, routed as the Functions host routes them: every
/// <c>httpTrigger</c> in the build output's <c>functions.metadata</c> at <c>/api/{route}</c> for its methods, the
/// method its <c>entryPoint</c> names invoked on the app's own services. As on a bare host, a route whose auth level
/// is not anonymous answers 401 without the function key (<c>x-functions-key</c> or <c>?code=</c>). Storage trouble
/// becomes 503 through the same <see cref="StorageTrouble"/> the app's middleware uses.
/// </summary>
public sealed class FunctionsServer : IAsyncDisposable
{
    /// <summary>The function key this server asks for.</summary>
    public const string Key = "test-function-key";

    private readonly WebApplication _app;

    private FunctionsServer(WebApplication app, Uri address) => (_app, BaseAddress) = (app, address);

    public Uri BaseAddress { get; }

    /// <summary>When set, every connection is dropped unanswered: the app cannot be reached.</summary>
    public bool Unplugged { get; set; }

    /// <summary>When set, runs on every request before it is answered: to see what the browser sends, or to answer slowly.</summary>
    public Func<HttpContext, Task>? OnRequest { get; set; }

    /// <param name="services">The app's services: its function classes and MVC's result executors.</param>
    /// <param name="durable">The Durable client the functions bind.</param>
    public static async Task<FunctionsServer> StartAsync(IServiceProvider services, DurableTaskClient durable)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FunctionsServer? server = null;
        app.Use(async (context, next) =>
        {
            if (server!.Unplugged)
            {
                context.Abort();
                return;
            }

            if (server.OnRequest is { } hook)
            {
                await hook(context);
            }

            await next(context);
        });

        var assembly = typeof(StorageTroubleAnswer).Assembly;
        foreach (var function in HttpFunctions())
        {
            var split = function.EntryPoint.LastIndexOf('.');
            var type = assembly.GetType(function.EntryPoint[..split], throwOnError: true)!;
            var method = type.GetMethod(function.EntryPoint[(split + 1)..])!;
            app.MapMethods($"/api/{function.Route}", function.Methods.Select(m => m.ToUpperInvariant()).ToArray(), context =>
                InvokeAsync(context, services, durable, type, method, function.Anonymous));
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FunctionsServer(app, new Uri(address));
        return server;
    }

    private static async Task InvokeAsync(HttpContext context, IServiceProvider services, DurableTaskClient durable, Type type, MethodInfo method, bool anonymous)
    {
        if (!anonymous && context.Request.Headers["x-functions-key"] != Key && context.Request.Query["code"] != Key)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        context.RequestServices = services;
        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            var t when t == typeof(DurableTaskClient) => durable,
            var t when t == typeof(string) => (object?)context.GetRouteValue(p.Name!)?.ToString(),
            var t => throw new NotSupportedException($"{method.Name} binds a {t.Name}, which this server does not."),
        }).ToArray();

        IActionResult result;
        try
        {
            result = method.Invoke(ActivatorUtilities.GetServiceOrCreateInstance(services, type), arguments) switch
            {
                Task<IActionResult> pending => await pending,
                IActionResult done => done,
                var other => throw new NotSupportedException($"{method.Name} returned {other?.GetType().Name}."),
            };
        }
        catch (Exception ex) when (StorageTroubleMiddleware.AnswerTo(ex) is { } trouble)
        {
            result = trouble;
        }

        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }

    private static IEnumerable<(string Route, string[] Methods, bool Anonymous, string EntryPoint)> HttpFunctions()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.FunctionsAppDirectory, "functions.metadata")));
        var functions = new List<(string, string[], bool, string)>();
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "httpTrigger"))
            {
                functions.Add((
                    binding.GetProperty("route").GetString()!,
                    [.. binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!)],
                    binding.GetProperty("authLevel").GetString() == "Anonymous",
                    function.GetProperty("entryPoint").GetString()!));
            }
        }

        return functions;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
