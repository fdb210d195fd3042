using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Tally.Functions.Http;

/// <summary>
/// The one media type a request body may have: <c>application/json</c>, with any parameters (<c>charset=utf-8</c>).
/// A web page can send <c>text/plain</c>, a form or <c>multipart/form-data</c> to any origin without a CORS preflight;
/// <c>application/json</c> needs one. So a page elsewhere cannot make a browser post work to a Tally it can reach
/// (a local one, say), and a body is never read as JSON unless its sender said it is. <c>application/*+json</c> types
/// are refused too: no client of this API needs them, and one accepted type is one rule to state.
/// </summary>
internal static class JsonContentType
{
    /// <summary>Null when the request says its body is JSON; otherwise the 415 answer that says what to send.</summary>
    public static ObjectResult? Refusal(HttpRequest request)
    {
        var sent = request.ContentType;
        if (MediaTypeHeaderValue.TryParse(sent, out var type) && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var what = string.IsNullOrEmpty(sent) ? "no Content-Type" : $"Content-Type '{sent}'";
        return Problems.UnsupportedMediaType($"The request has {what}; send the JSON body with 'Content-Type: application/json'. Nothing was read.");
    }
}
