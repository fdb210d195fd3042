using System.IO.Compression;

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

/// <summary>Reads a stream and throws once more than a limit of bytes came from it.</summary>
internal sealed class ByteLimitStream(Stream inner, long limit, Func<Exception> tooLarge) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Counted(int read)
    {
        _read += read;
        return _read > limit ? throw tooLarge() : read;
    }
}
