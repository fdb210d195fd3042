using System.Net.Http.Headers;
using System.Text;

namespace Tally.Counting;

/// <summary>Chooses how to count a body from its declared media type and charset.</summary>
public static class BodyCounters
{
    static BodyCounters() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Creates the counter for a body of type <paramref name="contentType"/> (null when the origin sent none).</summary>
    /// <exception cref="NotTextException">The media type is not text.</exception>
    public static IBodyCounter For(MediaTypeHeaderValue? contentType)
    {
        var mediaType = contentType?.MediaType?.ToLowerInvariant();
        if (mediaType is not null && !IsText(mediaType))
        {
            throw new NotTextException(mediaType);
        }

        var isHtml = mediaType is "text/html" or "application/xhtml+xml";
        return FindEncoding(contentType?.CharSet) is { } declared
            ? Create(declared, isHtml)
            : new SniffingCounter(isHtml);
    }

    /// <summary>Whether a media type carries text whose words can be counted.</summary>
    public static bool IsText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.Ordinal)
        || mediaType.EndsWith("+xml", StringComparison.Ordinal)
        || mediaType.EndsWith("+json", StringComparison.Ordinal)
        || mediaType is "application/json" or "application/xml" or "application/javascript" or "application/ecmascript"
            or "application/x-ndjson" or "application/yaml" or "application/x-yaml" or "application/toml" or "application/csv";

    /// <summary>The encoding a charset label names, or null when it is absent or unknown (then sniffing and UTF-8 apply).</summary>
    public static Encoding? FindEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(charset.Trim().Trim('"', '\''));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The counter for a body in <paramref name="encoding"/> (null: UTF-8): plain UTF-8 is counted on its bytes.</summary>
    internal static IBodyCounter Create(Encoding? encoding, bool isHtml) => (encoding, isHtml) switch
    {
        (null or UTF8Encoding, false) => new Utf8TextCounter(),
        (_, false) => new DecodingCounter(encoding, new PlainTextSink()),
        _ => new DecodingCounter(encoding ?? Encoding.UTF8, new HtmlTextSink()),
    };
}
