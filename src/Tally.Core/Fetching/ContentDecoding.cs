using System.IO.Compression;
using Tally.Hosting;

namespace Tally.Fetching;

/// <summary>
/// The content codings Tally asks for and decodes itself: gzip and deflate only, whose decoders hold a 32 KiB window
/// whatever the body, so a fetch's memory is bounded. Brotli is not asked for: its decoder may take a 16 MiB window,
/// 1 GiB for 64 fetches at once. Both the bytes on the wire and the bytes decoded count against
/// <see cref="FetchOptions.MaxBytes"/>, so a compression bomb fails as too large.
/// </summary>
internal static class ContentDecoding
{
    /// <summary>The <c>Accept-Encoding</c> every fetch sends.</summary>
    public const string Accepted = "gzip, deflate";

    /// <summary>A stream of the decoded body of <paramref name="response"/>, reading at most <paramref name="maxBytes"/> bytes from the wire.</summary>
    /// <exception cref="FetchFailedException">The body is in a coding Tally did not ask for.</exception>
    public static Stream Open(HttpResponseMessage response, Stream wire, long maxBytes, Func<Exception> tooLarge)
    {
        var codings = response.Content.Headers.ContentEncoding.Where(c => !c.Equals("identity", StringComparison.OrdinalIgnoreCase)).ToArray();
        Stream body = new ByteLimitStream(wire, maxBytes, tooLarge);
        return codings switch
        {
            [] => body,
            [var coding] when coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)
                => new GZipStream(body, CompressionMode.Decompress),
            [var coding] when coding.Equals("deflate", StringComparison.OrdinalIgnoreCase) => new ZLibStream(body, CompressionMode.Decompress),
            _ => throw new FetchFailedException(
                $"The page is encoded as '{string.Join(", ", codings)}', which Tally did not ask for (it accepts {Accepted}); retrying will not help.",
                isTransient: false, (int)response.StatusCode),
        };
    }
}
