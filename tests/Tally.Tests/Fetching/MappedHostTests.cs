using System.Text.Json;
using Tally.Fetching;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Fetching;

/// <summary>
/// Hosts written in characters IDNA maps (circled or full-width digits, ideographic full stops) are read as a browser
/// reads them: one that maps to an address is refused at the door, whatever private networks allow. The expected
/// mapping is Python's (<c>Data/generate_hosts.py</c>, checked against Chromium), not Tally's.
/// </summary>
public sealed class MappedHostTests
{
    public static TheoryData<string, string, string?> Hosts()
    {
        var data = new TheoryData<string, string, string?>();
        using var hosts = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fetching", "Data", "hosts.json")));
        foreach (var host in hosts.RootElement.EnumerateArray())
        {
            data.Add(host.GetProperty("host").GetString()!, host.GetProperty("ascii").GetString()!, host.GetProperty("address").GetString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void AHostThatMapsToAnAddress_IsRefused_EvenWherePrivateNetworksAreAllowed(string host, string ascii, string? address)
    {
        foreach (var allowPrivate in new[] { false, true })
        {
            var url = UrlPolicy.Check($"http://{host}/page", new FetchOptions { AllowPrivateNetworks = allowPrivate }, out var error);

            if (address is null)
            {
                Assert.NotNull(url); // an ordinary name, mapped to the same name Python gives
                Assert.Equal(ascii, url.IdnHost);
            }
            else
            {
                Assert.Null(url);
                Assert.Contains($"'{host}', which is the address {address}", error);
            }
        }
    }

    [Theory]
    [InlineData("http://ｌｏｃａｌｈｏｓｔ/")]
    [InlineData("http://app.ｌｏｃａｌｈｏｓｔ/")]
    [InlineData("http://localhost。/")]
    public void ANameThatMapsToLocalhost_IsRefused_WhenPrivateNetworksAreNotAllowed(string url)
    {
        Assert.Null(UrlPolicy.Check(url, new FetchOptions { AllowPrivateNetworks = false }, out var error));
        Assert.Contains("not a public address", error);
    }
}

/// <summary>The same refusal through <c>POST /api/jobs</c>: a 400 that says why, and nothing enqueued.</summary>
[Collection(StorageCollection.Name)]
public sealed class MappedHostRequestTests(Azurite azurite) : AppTests(azurite)
{
    [Fact]
    public async Task CircledDigits_Answer400_ThatNameTheAddress_AndEnqueueNothing()
    {
        var before = await App.JobCountAsync();

        var response = await App.PostJobsAsync("""{"url": "http://①②⑦.0.0.1/admin"}""");

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains("which is the address 127.0.0.1", response.Text("detail"));
        Assert.Equal(before, await App.JobCountAsync());
        Assert.Equal(0, await App.MessageCountAsync());
    }
}
