using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tally.Hosting;

namespace Tally.Tests.Jobs;

/// <summary>A bad setting stops the app at start with a message naming it, not at the first request.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Tally:Fetch:Timeout", "00:00:00", "Timeout")]
    [InlineData("Tally:Fetch:MaxRedirects", "99", "MaxRedirects")]
    [InlineData("Tally:Fetch:MaxBytes", "0", "MaxBytes")]
    [InlineData("Tally:Jobs:ResultTtl", "00:00:01", "ResultTtl")]
    [InlineData("Tally:Storage:TryTimeout", "00:00:00", "TryTimeout")]
    [InlineData("Tally:Jobs:MaxUrlsPerRequest", "0", "MaxUrlsPerRequest")]
    [InlineData("Tally:Batches:DefaultParallelism", "100", "must not exceed MaxParallelism")] // the default max is 64
    [InlineData("Tally:Jobs:ClaimTimeout", "00:00:20", "must be longer than Tally:Fetch:Timeout")] // the fetch timeout is 30 s
    [InlineData("Tally:Jobs:HeartbeatTimeout", "00:00:15", "must be at least twice Tally:Jobs:HeartbeatInterval")] // heartbeats every 10 s
    [InlineData("Tally:Jobs:HeartbeatInterval", "00:00:00", "HeartbeatInterval")]
    [InlineData("Tally:Politeness:StorageConnection", "TallyPoliteness", "Tally:Politeness:StorageConnection names 'TallyPoliteness', which is not set")]
    public async Task InvalidSetting_StopsTheAppAtStart(string key, string value, string named)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [key] = value,
        });
        builder.Services.AddTallyCore(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task DefaultSettings_AreValid()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        builder.Services.AddTallyCore(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<Tally.Jobs.JobService>());
        await host.StopAsync();
    }
}
