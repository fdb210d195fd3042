using System.Net.Http.Headers;
using System.Text;
using Tally.Counting.Html;

namespace Tally.Counting;

/// <summary>Chooses how to count a body from its declared media type and charset.</summary>
public static class BodyCounters
{
    /// <summary>Creates the counter for a body of type <paramref name="contentType"/> (null when the origin sent none, or one that cannot be parsed).</summary>
    /// <remarks>
    /// An unknown or unsupported charset is ignored, never an error: the body's BOM, its <c>&lt;meta&gt;</c> or UTF-8 decide.
    /// An unlabelled body is sniffed as the WHATWG MIME Sniffing standard says: binary data bytes in its first 1,445 bytes
    /// (and no byte-order mark) mean it is not text.
    /// </remarks>
    /// <exception cref="NotTextException">The media type is not text (thrown here), or an unlabelled body is binary (thrown as it is counted).</exception>
    public static IBodyCounter For(MediaTypeHeaderValue? contentType)
    {
        var mediaType = contentType?.MediaType?.ToLowerInvariant();
        if (mediaType is not null && !IsText(mediaType))
        {
            throw new NotTextException(mediaType);
        }

        var isHtml = mediaType is "text/html" or "application/xhtml+xml";
        var declared = isHtml ? Charsets.ForHtml(contentType?.CharSet) : Charsets.ForText(contentType?.CharSet);
        return new SniffingCounter(isHtml, declared, sniffBinary: contentType is null);
    }

    /// <summary>Whether a media type carries text whose words can be counted.</summary>
    public static bool IsText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.Ordinal)
        || mediaType.EndsWith("+xml", StringComparison.Ordinal)
        || mediaType.EndsWith("+json", StringComparison.Ordinal)
        || mediaType is "application/json" or "application/xml" or "application/javascript" or "application/ecmascript"
            or "application/x-ndjson" or "application/yaml" or "application/x-yaml" or "application/toml" or "application/csv";

    /// <summary>The counter for a body in <paramref name="encoding"/> (null: UTF-8): plain UTF-8 is counted on its bytes.</summary>
    internal static IBodyCounter Create(Encoding? encoding, bool isHtml) => (encoding, isHtml) switch
    {
        (null or UTF8Encoding, false) => new Utf8TextCounter(),
        (_, false) => new DecodingCounter(encoding, new PlainTextSink()),
        _ => new DecodingCounter(encoding ?? Encoding.UTF8, new HtmlTextSink()),
    };
}
