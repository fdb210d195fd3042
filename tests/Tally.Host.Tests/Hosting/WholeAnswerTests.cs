using System.Net.Http.Json;
using System.Text.Json;
using Tally.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Hosting;

/// <summary>
/// Through the real host, the largest answer, a 1,000-URL <c>POST /api/jobs</c>, arrives whole with its
/// <c>Content-Length</c>, not in the chunks MVC's formatter flushed one by one through the host's proxy.
/// </summary>
public sealed class WholeAnswerTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    [HostFact]
    public async Task ThousandUrlAnswer_ArrivesWithItsLength_NotChunked()
    {
        var urls = Enumerable.Range(0, 1000).Select(n => Suite.Origin.Page($"whole {n}")).ToArray();

        // Due in an hour, so the shared host runs none of them; canceled below.
        using var response = await Suite.Host.Http.PostAsJsonAsync("api/jobs", new { urls, delay = "PT1H" });
        var body = await response.Content.ReadAsByteArrayAsync();
        var answer = JsonDocument.Parse(body).RootElement;
        var canceled = await Api.PostAsync("api/jobs/actions/cancel", new { request = answer.GetProperty("requestId").GetString(), status = "scheduled" });

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(1000, answer.GetProperty("jobs").GetArrayLength());
        Assert.Equal(1000, canceled.Body.GetProperty("changed").GetInt32()); // none left for the tests after it
    }
}
