using Tally.Fetching;

namespace Tally.Tests.Fetching;

/// <summary>Which URLs are refused when the request comes in, before anything is fetched: loopback names and non-public addresses, when private networks are not allowed.</summary>
public sealed class UrlPolicyTests
{
    private static readonly FetchOptions Cloud = new() { AllowPrivateNetworks = false };

    [Theory]
    [InlineData("http://localhost/")]
    [InlineData("http://localhost./")]
    [InlineData("http://LOCALHOST./x")]
    [InlineData("http://app.localhost/")]
    [InlineData("http://app.localhost./")]
    [InlineData("http://a.b.localhost:8080/")]
    [InlineData("http://168.63.129.16/")]
    [InlineData("http://[::ffff:a9fe:a9fe]/")]
    public void LoopbackNames_AndNonPublicAddresses_AreRefusedAtTheDoor(string url)
    {
        Assert.Null(UrlPolicy.Check(url, Cloud, out var error));
        Assert.Contains("not a public address", error);
    }

    [Theory]
    [InlineData("https://example.com/")]
    [InlineData("https://localhost.example.com/")]
    [InlineData("https://notlocalhost/")]
    public void PublicNames_AreAccepted(string url) => Assert.NotNull(UrlPolicy.Check(url, Cloud, out _));
}
