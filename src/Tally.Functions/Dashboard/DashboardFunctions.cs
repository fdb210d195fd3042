using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Tally.Functions.Http;
using Tally.Jobs;

namespace Tally.Functions.Dashboard;

/// <summary>
/// The dashboard: a page and its assets, embedded in the app's own assembly (no CDN, no web server), and the
/// overview figures it shows. The page and assets are anonymous because they hold nothing secret: every figure
/// comes from the API, which asks for the function key like every other route.
/// </summary>
public sealed class DashboardFunctions(JobOverviewService overview)
{
    /// <summary>The policy every dashboard response carries: the app's own script and styles only, no inline script, no <c>eval</c>.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, StaticAsset> Assets = LoadAssets();

    /// <summary><c>GET /api/dashboard</c>: the page.</summary>
    [Function(nameof(Dashboard))]
    public IActionResult Dashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request) =>
        Assets["index.html"];

    /// <summary><c>GET /api/dashboard/{asset}</c>: the page's script, styles and icon.</summary>
    [Function(nameof(DashboardAsset))]
    public IActionResult DashboardAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{asset}")] HttpRequest request, string asset) =>
        asset != "index.html" && Assets.TryGetValue(asset, out var found) ? found : Problems.NotFound($"The dashboard has no asset '{asset}'.");

    /// <summary><c>GET /api/overview</c>: jobs by status, queue depths and the last hour's throughput, each read from a bounded number of entities.</summary>
    [Function(nameof(GetOverview))]
    public async Task<IActionResult> GetOverview(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "overview")] HttpRequest request, CancellationToken cancellationToken) =>
        new OkObjectResult(await overview.ReadAsync(cancellationToken));

    private static FrozenDictionary<string, StaticAsset> LoadAssets()
    {
        var assembly = typeof(DashboardFunctions).Assembly;
        const string prefix = "dashboard/";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[prefix.Length..], name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                return new StaticAsset(buffer.ToArray(), MediaType(name), ContentSecurityPolicy);
            });
    }

    private static string MediaType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
