using System.Net;
using Tally.Fetching;
using Tally.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Fetching;

/// <summary>With private networks disallowed (Azure's setting), Tally reaches no address of this machine or its network.</summary>
public sealed class SsrfTests : HostTest, IClassFixture<PublicOnlyHost>
{
    private readonly TallyClient _publicOnly;

    public SsrfTests(HostSuite suite, PublicOnlyHost host, ITestOutputHelper output)
        : base(suite, output)
    {
        if (FuncLocator.SkipReason is null)
        {
            Watch(host.Host);
        }

        _publicOnly = FuncLocator.SkipReason is null ? new TallyClient(host.Host.Http) : null!;
    }

    [HostFact]
    public async Task NonPublicAddresses_AreRefusedAtTheDoor_With400()
    {
        string[] urls =
        [
            new Uri(Suite.Origin.BaseAddress, "/page").AbsoluteUri,
            "http://10.1.2.3/internal",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost/",
        ];

        var answers = new List<HttpAnswer>();
        foreach (var url in urls)
        {
            answers.Add(await _publicOnly.PostAsync("api/jobs", new { url }));
        }

        Assert.All(answers, answer =>
        {
            Assert.Equal(400, answer.Status);
            Assert.Equal("application/problem+json", answer.MediaType);
            Assert.Contains("not a public address", answer.Text("detail"));
        });
        Assert.Empty((await _publicOnly.GetAsync("api/jobs?status=queued")).Body.GetProperty("jobs").EnumerateArray());
    }

    /// <summary>
    /// The machine's own name is no literal address, so it passes the door; it resolves to this machine, so the
    /// connection is refused after DNS and the job fails with the address named, and the origin is never reached.
    /// </summary>
    [HostFact]
    public async Task NameResolvingToThisMachine_FailsTheJob_WithoutConnecting()
    {
        var name = Dns.GetHostName();
        var addresses = await Dns.GetHostAddressesAsync(name);
        Assert.True(addresses.Length > 0 && !addresses.Any(AddressPolicy.IsPublic), $"this test needs the machine's name ({name}) to resolve to its own, non-public addresses; it resolves to {string.Join(", ", addresses)}");
        var page = Suite.Origin.Page("must not be fetched");
        var url = new UriBuilder(page) { Host = name }.Uri;

        var id = await _publicOnly.EnqueueAsync(url);
        var job = await _publicOnly.WaitForFinishedAsync(id);

        Assert.Equal("failed", job.Text("status"));
        Assert.Contains("not a public address", job.Text("error"));
        Assert.Equal(1, job.Body.GetProperty("attempts").GetInt32());
        Assert.Equal(0, Suite.Origin.Hits(page));
    }
}
