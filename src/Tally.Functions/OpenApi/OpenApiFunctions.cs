using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Tally.Functions.Http;

namespace Tally.Functions.OpenApi;

/// <summary>
/// <c>GET /api/openapi.json</c>: the API's OpenAPI 3.1 document (<see cref="ApiDescription"/>), built once and served
/// as the dashboard's assets are. Anonymous, like health: it describes the routes, and holds nothing secret.
/// </summary>
public sealed class OpenApiFunctions
{
    private static readonly StaticAsset Document = new(ApiDescription.Json.Value, "application/json; charset=utf-8", "default-src 'none'; frame-ancestors 'none'");

    /// <summary><c>GET /api/openapi.json</c>: the document.</summary>
    [Function(nameof(OpenApiDocument))]
    public IActionResult OpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) => Document;
}
