using System.Collections.Frozen;
using System.Security.Cryptography;
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

    private static readonly FrozenDictionary<string, Asset> Assets = LoadAssets();

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

    private static FrozenDictionary<string, Asset> LoadAssets()
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
                return new Asset(buffer.ToArray(), MediaType(name));
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

    /// <summary>An embedded file, answered with the dashboard's security headers and an ETag, so a browser revalidates rather than refetches.</summary>
    private sealed class Asset(byte[] content, string mediaType) : IActionResult
    {
        private readonly string _etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"";

        public async Task ExecuteResultAsync(ActionContext context)
        {
            var request = context.HttpContext.Request;
            var response = context.HttpContext.Response;
            var headers = response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-cache";
            headers.ETag = _etag;
            if (request.Headers.IfNoneMatch == _etag)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = mediaType;
            response.ContentLength = content.Length;
            await response.Body.WriteAsync(content, context.HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
