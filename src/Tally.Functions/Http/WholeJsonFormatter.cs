using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Extensions.DependencyInjection;

namespace Tally.Functions.Http;

/// <summary>
/// Writes each JSON answer (problem+json too) whole, with its <c>Content-Length</c>. MVC's JSON formatter streams an
/// answer in flushed pieces, and under the Functions host each piece travels from the worker through the host's proxy
/// on its own: the answer to a 1,000-URL <c>POST /api/jobs</c> (about 460 KB) reached the client 38-61 ms after the
/// function returned it; written whole, 8-24 ms (under <c>func start</c> on 2026-12-04, with curl).
/// </summary>
internal sealed class WholeJsonFormatter : TextOutputFormatter
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Takes MVC's JSON formatter's serializer options and media types, so it writes what that one would, as that one would.</summary>
    private WholeJsonFormatter(SystemTextJsonOutputFormatter mvc)
    {
        _options = mvc.SerializerOptions;
        SupportedEncodings.Add(Encoding.UTF8);
        foreach (var mediaType in mvc.SupportedMediaTypes)
        {
            SupportedMediaTypes.Add(mediaType);
        }
    }

    /// <summary>
    /// Puts this formatter just before MVC's JSON formatter, made from it, so the bytes are the ones MVC wrote. Every
    /// JSON answer is UTF-8, as RFC 8259 asks, whatever <c>Accept-Charset</c> says.
    /// </summary>
    public static void AddTo(IServiceCollection services) =>
        services.PostConfigure<MvcOptions>(mvc =>
        {
            var formatters = mvc.OutputFormatters;
            var json = formatters.OfType<SystemTextJsonOutputFormatter>().First();
            formatters.Insert(formatters.IndexOf(json), new WholeJsonFormatter(json));
        });

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context, Encoding selectedEncoding)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(context.Object, context.Object?.GetType() ?? context.ObjectType ?? typeof(object), _options);
        context.HttpContext.Response.ContentLength = body.Length;
        await context.HttpContext.Response.Body.WriteAsync(body, context.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
