using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Tally.Functions.Http;

/// <summary>
/// A file the app serves from memory (the dashboard's assets, the OpenAPI document), answered with its security
/// headers and an ETag, so a client revalidates rather than refetches.
/// </summary>
internal sealed class StaticAsset(byte[] content, string mediaType, string contentSecurityPolicy) : IActionResult
{
    private readonly string _etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"";

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
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
