using System.Net.Http;
using Tally.Fetching;

namespace Tally.Tests.Fetching;

/// <summary>
/// Which failed connections are worth retrying. Name resolution is classified here on the exception
/// .NET raises for it, because resolving a name for real would query a DNS server off this machine.
/// </summary>
public sealed class ConnectionFailureTests
{
    private static readonly Uri Url = new("https://no-such-host.example/page");

    [Theory]
    [InlineData(HttpRequestError.NameResolutionError, false)]
    [InlineData(HttpRequestError.SecureConnectionError, false)]
    [InlineData(HttpRequestError.ConnectionError, true)]
    [InlineData(HttpRequestError.ResponseEnded, true)]
    [InlineData(HttpRequestError.Unknown, true)]
    public void ConnectionFailure_IsTransient_OnlyWhenTryingAgainMayHelp(HttpRequestError error, bool transient)
    {
        var failure = PageFetcher.ConnectionFailed(Url, new HttpRequestException(error, "failed"));

        Assert.Equal(transient, failure.IsTransient);
        Assert.Contains("no-such-host.example", failure.Message);
    }
}
