using Tally.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tally.Host.Tests.Hosting;

/// <summary>The host killed as a crash kills it (SIGKILL to the host and its worker), then started again on the same storage.</summary>
public sealed class HostRestartTests(HostSuite suite, ITestOutputHelper output) : HostTest(suite, output)
{
    [HostFact]
    public async Task HostKilledHard_ServesAgainAfterRestart_WithItsJobsKept()
    {
        var before = await Api.EnqueueAsync(Suite.Origin.Page("before the crash"));
        await Api.WaitForJobAsync(before, "succeeded");

        await Suite.Host.KillAsync();
        var whileDown = await Assert.ThrowsAnyAsync<Exception>(() => Suite.Host.Http.GetAsync("api/health"));
        await Suite.Host.RestartAsync();
        var kept = await Api.GetAsync($"api/jobs/{before}");
        var after = await Api.EnqueueAsync(Suite.Origin.Page("after the restart, four words"));
        var done = await Api.WaitForJobAsync(after, "succeeded");

        Assert.IsType<HttpRequestException>(whileDown);
        Assert.Equal("succeeded", kept.Text("status"));
        Assert.Equal(5, done.Body.GetProperty("words").GetInt64());
    }
}
