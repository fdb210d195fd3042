using Tally.Tests.Infrastructure;

namespace Tally.Tests.Hosting;

/// <summary>The anonymous health probe says whether storage answers, and nothing about how storage is reached.</summary>
[Collection(StorageCollection.Name)]
public sealed class HealthTests(Azurite azurite)
{
    [Fact]
    public async Task Health_WhenStorageRefusesConnections_Answers503_WithoutTheStorageExceptionsMessage()
    {
        var port = Ports.Free(); // nothing listens there: every connection is refused
        var closed = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        await using var app = new TallyApp(azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = closed });

        var health = await app.ExecuteAsync(app.Maintenance.Health(TallyApp.Request("GET"), default));
        var detail = health.Text("detail");

        Assert.Equal(503, health.Status);
        Assert.Equal("application/problem+json", health.ContentType);
        Assert.Contains("Storage did not answer", detail);
        Assert.DoesNotContain("127.0.0.1", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Retry", detail, StringComparison.OrdinalIgnoreCase);
    }
}
