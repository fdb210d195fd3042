using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Tally.Fetching;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Fetching;

/// <summary>Hostile origins on 127.0.0.1 against the fetch's bounds: each fails only its own page, at once, with a reason.</summary>
public sealed class FetchLimitTests(Origin origin) : IClassFixture<Origin>, IAsyncLifetime
{
    private Fetcher _fetcher = null!;

    public Task InitializeAsync()
    {
        _fetcher = new Fetcher(origin, new Dictionary<string, string?> { ["Tally:Fetch:MaxBytes"] = $"{1024 * 1024}" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fetcher.DisposeAsync();

    [Fact]
    public async Task HeadersLargerThanTheLimit_FailThePageAtOnce_AsNotWorthRetrying()
    {
        var url = origin.Serve(context =>
        {
            context.Response.Headers["X-Padding"] = new string('x', 70_000);
            return Origin.Write(context, "never read", "text/plain");
        });

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.False(error.IsTransient);
        Assert.Equal("The origin's response headers are larger than the 64 KiB Tally reads; retrying will not help.", error.Message);
    }
    [Theory]
    [InlineData(null)]
    [InlineData("<b>text/plain</b>")]
    public async Task AnUnlabelledBodyWithBinaryBytes_FailsAsNotText_KeepingWhatTheOriginSent(string? contentType)
    {
        var url = Raw([0x00, 0x01, .. "binary"u8], contentType);

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.False(error.IsTransient);
        Assert.StartsWith("Byte 0 of the page is 0x00, a binary data byte", error.Message);
        Assert.Equal(contentType, error.ContentType);
    }

    [Theory]
    [InlineData(new byte[] { 0x0B }, 1)] // every binary data byte class of the standard
    [InlineData(new byte[] { 0x0E }, 1)]
    [InlineData(new byte[] { 0x1A }, 1)]
    [InlineData(new byte[] { 0x1C }, 1)]
    [InlineData(new byte[] { 0x1F }, 1)]
    [InlineData(new byte[] { 0x08 }, 1)]
    public async Task EachBinaryDataByte_MakesAnUnlabelledBodyNotText(byte[] binary, int offset)
    {
        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(Raw([(byte)'a', .. binary, (byte)'b']), default));

        Assert.StartsWith($"Byte {offset} of the page is 0x{binary[0]:X2}", error.Message);
    }

    [Fact]
    public async Task AnUnlabelledTextBody_IsCounted_TabsLineBreaksAndFormFeedsBeingText()
    {
        var page = await _fetcher.Pages.CountAsync(Raw("three\tplain\r\n\fwords\u001b"u8.ToArray()), default);

        Assert.Equal(3, page.Words);
        Assert.Null(page.ContentType);
    }

    [Fact]
    public async Task AnUnlabelledUtf16BodyWithItsByteOrderMark_IsText()
    {
        var page = await _fetcher.Pages.CountAsync(Raw([.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes("two words")]), default);

        Assert.Equal(2, page.Words);
    }

    [Fact]
    public async Task AContentTypeThatCannotBeParsed_IsKeptAsSent_WhenThePageSucceeds()
    {
        var page = await _fetcher.Pages.CountAsync(Raw("plain words"u8.ToArray(), "text/plain; charset=\"utf-8"), default);

        Assert.Equal(2, page.Words);
        Assert.Equal("text/plain; charset=\"utf-8", page.ContentType);
    }

    [Fact]
    public async Task EveryFetch_AsksForGzipAndDeflateOnly()
    {
        string? asked = null;
        var url = origin.Serve(context =>
        {
            asked = context.Request.Headers.AcceptEncoding;
            return Origin.Write(context, "fine", "text/plain");
        });

        await _fetcher.Pages.CountAsync(url, default);

        Assert.Equal("gzip, deflate", asked);
    }

    [Fact]
    public async Task ABrotliBodyTallyDidNotAskFor_FailsAtOnce_NamingItsCoding()
    {
        var url = Encoded("br", body => new BrotliStream(body, CompressionLevel.Fastest, leaveOpen: true), "words the origin squeezed"u8.ToArray());

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.False(error.IsTransient);
        Assert.Equal("The page is encoded as 'br', which Tally did not ask for (it accepts gzip, deflate); retrying will not help.", error.Message);
    }

    [Fact]
    public async Task ADeflateBody_IsDecodedAndCounted()
    {
        var url = Encoded("deflate", body => new ZLibStream(body, CompressionLevel.Fastest, leaveOpen: true), "four deflated words here"u8.ToArray());

        Assert.Equal(4, (await _fetcher.Pages.CountAsync(url, default)).Words);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task ACompressionBomb_FailsAsTooLarge_AtTheLimitOfDecodedBytes(string coding)
    {
        // 64 MiB of zeros is about 64 KiB compressed: it would pass a limit on the wire alone.
        var url = Encoded(coding, body => coding == "gzip" ? new GZipStream(body, CompressionLevel.Optimal, leaveOpen: true) : new ZLibStream(body, CompressionLevel.Optimal, leaveOpen: true), new byte[64 * 1024 * 1024]);

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.False(error.IsTransient);
        Assert.Equal("The page is larger than the 1,048,576-byte limit (Tally:Fetch:MaxBytes).", error.Message);
        Assert.Equal(1, origin.Hits(url));
    }

    [Fact]
    public async Task ACompressedBodyLargerThanTheLimitOnTheWire_FailsAsTooLarge()
    {
        var noise = new byte[2 * 1024 * 1024];
        new Random(20).NextBytes(noise); // incompressible: more bytes on the wire than the limit
        var url = Encoded("gzip", body => new GZipStream(body, CompressionLevel.NoCompression, leaveOpen: true), noise, contentType: "text/plain; charset=iso-8859-1");

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.Contains("larger than the 1,048,576-byte limit", error.Message);
    }

    /// <summary>Serves <paramref name="body"/> as it is, with <paramref name="contentType"/> sent unchecked (none when null).</summary>
    private Uri Raw(byte[] body, string? contentType = null) => origin.Serve(async context =>
    {
        if (contentType is not null)
        {
            context.Response.Headers.ContentType = contentType;
        }

        await context.Response.Body.WriteAsync(body);
    });

    /// <summary>Serves <paramref name="body"/> compressed once up front, labelled with <paramref name="coding"/>.</summary>
    private Uri Encoded(string coding, Func<Stream, Stream> compressor, byte[] body, string contentType = "text/plain")
    {
        using var compressed = new MemoryStream();
        using (var writer = compressor(compressed))
        {
            writer.Write(body);
        }

        var bytes = compressed.ToArray();
        return origin.Serve(async context =>
        {
            context.Response.ContentType = contentType;
            context.Response.Headers.ContentEncoding = coding;
            try
            {
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // Tally stopped reading: what it is meant to do
            }
        });
    }
}
