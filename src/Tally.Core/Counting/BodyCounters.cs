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

        var encoding = FindEncoding(contentType?.CharSet);
        return encoding is null or UTF8Encoding
            ? new Utf8TextCounter()
            : new DecodingCounter(encoding, new PlainTextSink());
    }

    /// <summary>Whether a media type carries text whose words can be counted.</summary>
    public static bool IsText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.Ordinal)
        || mediaType.EndsWith("+xml", StringComparison.Ordinal)
        || mediaType.EndsWith("+json", StringComparison.Ordinal)
        || mediaType is "application/json" or "application/xml" or "application/xhtml+xml"
            or "application/javascript" or "application/ecmascript" or "application/x-ndjson"
            or "application/yaml" or "application/x-yaml" or "application/toml" or "application/csv";

    /// <summary>The encoding a charset label names, or null when it is absent or unknown (then UTF-8 applies).</summary>
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
}
