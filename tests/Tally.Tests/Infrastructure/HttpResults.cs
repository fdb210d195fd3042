using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Tally.Functions.Http;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// Executes an HTTP function's <see cref="IActionResult"/> through ASP.NET Core MVC, as the worker's HTTP
/// integration does; storage trouble the function throws becomes its answer as the app's
/// <see cref="StorageTroubleMiddleware"/> makes it, through the same <see cref="StorageTroubleMiddleware.AnswerTo"/>.
/// </summary>
internal static class HttpResults
{
    /// <param name="services">Services with MVC's result executors (<c>AddMvcCore</c>).</param>
    /// <param name="result">What the function returned.</param>
    public static async Task<ApiResponse> ExecuteAsync(IServiceProvider services, Task<IActionResult> result)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        var body = new MemoryStream();
        context.Response.Body = body;
        IActionResult answer;
        try
        {
            answer = await result;
        }
        catch (Exception ex) when (StorageTroubleMiddleware.AnswerTo(ex) is { } trouble)
        {
            answer = trouble;
        }

        await answer.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        body.Position = 0;
        var json = body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        var mediaType = context.Response.ContentType is { } type ? System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type).MediaType : null;
        var headers = context.Response.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new ApiResponse(context.Response.StatusCode, mediaType, context.Response.Headers.Location.ToString(), json, context.Response.Headers.RetryAfter.ToString(), headers);
    }
}
