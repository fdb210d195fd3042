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
}
