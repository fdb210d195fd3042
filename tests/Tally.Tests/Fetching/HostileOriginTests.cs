using Microsoft.AspNetCore.Http;
using Tally.Fetching;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Fetching;

/// <summary>One test per hostile origin behaviour, against a hostile origin on 127.0.0.1.</summary>
public sealed class HostileOriginTests(Origin origin) : IClassFixture<Origin>, IAsyncLifetime
{
    private Fetcher _fetcher = null!;

    public Task InitializeAsync()
    {
        _fetcher = new Fetcher(origin, new Dictionary<string, string?>
        {
            ["Tally:Fetch:MaxBytes"] = $"{1024 * 1024}",
            ["Tally:Fetch:Timeout"] = "00:00:02",
            ["Tally:Fetch:MaxRedirects"] = "3",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fetcher.DisposeAsync();

    [Fact]
    public async Task EndlessBody_StopsAtMaxBytes()
    {
        var url = origin.Serve(async context =>
        {
            context.Response.ContentType = "text/plain";
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'w');

            // Endless as far as the client can tell (no Content-Length); bounded here only so a broken limit cannot hang the run.
            for (var sent = 0L; sent < 1L << 30 && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, CancellationToken.None);
            }
        });

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.False(error.IsTransient);
        Assert.Contains("larger than the 1,048,576-byte limit", error.Message);
    }

    [Fact]
    public async Task DeclaredContentLength_OverMaxBytes_FailsBeforeReading()
    {
        var url = origin.Serve(context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = 10L * 1024 * 1024;
            return context.Response.Body.WriteAsync(new byte[1024]).AsTask();
        });

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.Contains("larger than the 1,048,576-byte limit", error.Message);
    }

    [Fact]
    public async Task SlowDrip_IsCutByTheTotalTimeout_AsATransientFailure()
    {
        var url = origin.Serve(async context =>
        {
            context.Response.ContentType = "text/plain";
            try
            {
                for (var i = 0; i < 6000 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync("w "u8.ToArray(), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(100, context.RequestAborted); // the hostile behaviour itself: a byte pair every 100 ms
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.True(error.IsTransient);
        Assert.Contains("timed out after 2 s", error.Message);
    }

    [Fact]
    public async Task RedirectLoop_EndsAtMaxRedirects()
    {
        Uri? url = null;
        url = origin.Serve(context =>
        {
            context.Response.Redirect(url!.AbsolutePath);
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.False(error.IsTransient);
        Assert.Contains("redirected more than 3 times", error.Message);
        Assert.Equal(4, origin.Hits(url));
    }

    [Fact]
    public async Task RedirectChain_WithinTheLimit_IsFollowed()
    {
        var final = origin.Page("the end of the chain");
        var middle = Redirect(final.AbsoluteUri);
        var start = Redirect(middle.AbsoluteUri);

        var page = await _fetcher.Pages.CountAsync(start, default);

        Assert.Equal(5, page.Words);
        Assert.Equal(final, page.FinalUrl);
    }

    [Fact]
    public async Task RedirectToANonHttpScheme_IsRefused()
    {
        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(Redirect("file:///etc/passwd"), default));

        Assert.False(error.IsTransient);
        Assert.Contains("redirected to a 'file' URL", error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{canary}/secret")]
    [InlineData("http://[::1]:{canary}/secret")]
    [InlineData("http://[::ffff:127.0.0.1]:{canary}/secret")]
    [InlineData("http://10.0.0.1/secret")]
    [InlineData("http://192.168.1.1/secret")]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://[fd00::1]/secret")]
    [InlineData("http://localhost:{canary}/secret")]
    public async Task RedirectToANonPublicAddress_IsRefused_AndNothingIsConnectedTo(string target)
    {
        await using var canary = new Origin();
        await canary.InitializeAsync();
        var secret = canary.Page("internal secrets");
        var location = target.Replace("{canary}", $"{canary.BaseAddress.Port}") + secret.AbsolutePath;

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(Redirect(location), default));

        Assert.False(error.IsTransient);
        Assert.Contains("which is not a public address", error.Message);
        Assert.Equal(0, canary.Hits(secret));
        Assert.All(_fetcher.Opened, endpoint => Assert.Equal(origin.BaseAddress.Port, endpoint.Port));
    }

    [Fact]
    public async Task HostnameThatResolvesToLoopback_IsRefused_WithTheAddressesNamed()
    {
        await using var canary = new Origin();
        await canary.InitializeAsync();
        var secret = canary.Page("internal secrets");
        var url = new Uri($"http://localhost:{canary.BaseAddress.Port}{secret.AbsolutePath}");

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.Contains("'localhost' resolves to", error.Message);
        Assert.Contains("127.0.0.1", error.Message);
        Assert.Equal(0, canary.Hits(secret));
        Assert.Empty(_fetcher.Opened);
    }

    [Fact]
    public async Task AllowPrivateNetworks_OpensTheGuard()
    {
        await using var open = new Fetcher(origin, new Dictionary<string, string?> { ["Tally:Fetch:AllowPrivateNetworks"] = "true" });
        await using var canary = new Origin();
        await canary.InitializeAsync();
        var page = canary.Page("reachable when allowed");

        var counted = await open.Pages.CountAsync(Redirect(page.AbsoluteUri), default);

        Assert.Equal(3, counted.Words);
        Assert.Equal(1, canary.Hits(page));
    }

    [Fact]
    public async Task NotText_FailsPermanently_NamingTheContentType()
    {
        var url = origin.Serve(context => Origin.Write(context, "PK\u0003\u0004", "application/zip"));

        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(url, default));

        Assert.False(error.IsTransient);
        Assert.Contains("'application/zip', which is not text", error.Message);
    }

    [Theory]
    [InlineData(404, false)]
    [InlineData(410, false)]
    [InlineData(403, false)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public async Task ErrorStatus_IsClassifiedTransientOrPermanent(int status, bool transient)
    {
        var error = await Assert.ThrowsAsync<FetchFailedException>(() => _fetcher.Pages.CountAsync(origin.Status(status), default));

        Assert.Equal(transient, error.IsTransient);
        Assert.Equal(status, error.HttpStatus);
        Assert.Contains($"answered {status}", error.Message);
    }

    [Fact]
    public async Task GzipBody_IsDecompressed_AndCounted()
    {
        var url = origin.Serve(async context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.Headers.ContentEncoding = "gzip";
            await using var gzip = new System.IO.Compression.GZipStream(context.Response.Body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync("compressed words count too"u8.ToArray());
        });

        Assert.Equal(4, (await _fetcher.Pages.CountAsync(url, default)).Words);
    }

    private Uri Redirect(string location) => origin.Serve(context =>
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }, "redirect");
}
