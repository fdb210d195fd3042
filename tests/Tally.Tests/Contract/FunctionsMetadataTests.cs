using System.Text.Json;
using Tally.Tests.Infrastructure;

namespace Tally.Tests.Contract;

/// <summary>
/// How the Functions host will bind each function, read from the build output it would load
/// (the host itself cannot run here): the folder must be a complete app, and each function's
/// trigger, route, methods, auth level, queue and schedule must be what the API promises.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly string App = Repository.FunctionsAppDirectory;

    [Theory]
    [InlineData("host.json")]
    [InlineData("worker.config.json")]
    [InlineData("functions.metadata")]
    [InlineData("extensions.json")]
    [InlineData("Tally.Functions.dll")]
    public void BuildOutput_IsACompleteFunctionsApp(string file) =>
        Assert.True(File.Exists(Path.Combine(App, file)), $"{file} is missing from {App}");

    [Theory]
    [InlineData("EnqueueJobs", "jobs", "post", "Function")]
    [InlineData("ListJobs", "jobs", "get", "Function")]
    [InlineData("GetJob", "jobs/{id}", "get", "Function")]
    [InlineData("CancelJob", "jobs/{id}", "delete", "Function")]
    [InlineData("RetryJob", "jobs/{id}/retry", "post", "Function")]
    [InlineData("PutSchedule", "schedules/{name}", "put", "Function")]
    [InlineData("GetSchedule", "schedules/{name}", "get", "Function")]
    [InlineData("ListSchedules", "schedules", "get", "Function")]
    [InlineData("PauseSchedule", "schedules/{name}/pause", "post", "Function")]
    [InlineData("ResumeSchedule", "schedules/{name}/resume", "post", "Function")]
    [InlineData("TriggerSchedule", "schedules/{name}/trigger", "post", "Function")]
    [InlineData("DeleteSchedule", "schedules/{name}", "delete", "Function")]
    [InlineData("Health", "health", "get", "Anonymous")]
    [InlineData("GetOverview", "overview", "get", "Function")]
    [InlineData("ListOrigins", "origins", "get", "Function")]
    [InlineData("Dashboard", "dashboard", "get", "Anonymous")]      // the page and its assets hold nothing secret;
    [InlineData("DashboardAsset", "dashboard/{asset}", "get", "Anonymous")] // every figure comes from a keyed route
    public void HttpFunction_IsBoundToItsRouteMethodAndAuthLevel(string name, string route, string method, string authLevel)
    {
        var trigger = Trigger(name);

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Theory]
    [InlineData("RunJob", "tally-jobs")]
    [InlineData("FailPoisonedJob", "tally-jobs-poison")]
    [InlineData("FireScheduleTick", "tally-schedule-ticks")]
    public void QueueFunction_IsBoundToItsQueueAndConnection(string name, string queue)
    {
        var trigger = Trigger(name);

        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(queue, trigger.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
        Assert.Equal("String", trigger.GetProperty("dataType").GetString());
    }

    [Fact]
    public void PurgeFunction_RunsOnTheTimerSchedule_WithADurableClient()
    {
        var trigger = Trigger("PurgeExpired");

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("0 */30 * * * *", trigger.GetProperty("schedule").GetString());
        Assert.Contains("durableClient", Bindings("PurgeExpired"));
    }

    [Fact]
    public void ReviveFunction_RunsEvery15Seconds()
    {
        var trigger = Trigger("ReviveStalledJobs");

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("*/15 * * * * *", trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void ScheduleSweep_RunsEveryMinute_WithADurableClient()
    {
        var trigger = Trigger("SweepSchedules");

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("0 * * * * *", trigger.GetProperty("schedule").GetString());
        Assert.Contains("durableClient", Bindings("SweepSchedules"));
        Assert.Contains("durableClient", Bindings("FireScheduleTick"));
    }

    [Theory]
    [InlineData("StartBatch", "batches", "post")]
    [InlineData("GetBatch", "batches/{id}", "get")]
    [InlineData("ListBatches", "batches", "get")]
    [InlineData("TerminateBatch", "batches/{id}", "delete")]
    [InlineData("GetBatchPages", "batches/{id}/pages", "get")]
    public void BatchHttpFunction_IsBoundToItsRoute_AndTheDurableClient(string name, string route, string method)
    {
        var trigger = Trigger(name);

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.Contains("durableClient", Bindings(name));
    }

    [Theory]
    [InlineData(Tally.Batches.BatchService.OrchestratorName, "orchestrationTrigger")]
    [InlineData(nameof(Tally.Functions.Batches.BatchFunctions.CountBatchSlice), "activityTrigger")]
    [InlineData(nameof(Tally.Functions.Batches.BatchFunctions.RecordBatchCallback), "activityTrigger")]
    public void DurableFunction_IsBoundUnderTheNameTheServiceSchedules(string name, string trigger) =>
        Assert.Equal(trigger, Trigger(name).GetProperty("type").GetString());

    [Fact]
    public void HostJson_ConfiguresTheDurableExtension()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(App, "host.json")));
        var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");

        Assert.Equal("%TASKHUB_NAME%", durable.GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", durable.GetProperty("storageProvider").GetProperty("type").GetString());
        Assert.True(durable.GetProperty("maxConcurrentActivityFunctions").GetInt32() > 0);
        Assert.True(durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32() > 0);
    }

    [Fact]
    public void HostJson_SetsTheQueueRetryPolicyAndRoutePrefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(App, "host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        var queues = extensions.GetProperty("queues");

        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal("00:00:30", queues.GetProperty("visibilityTimeout").GetString());
    }

    [Fact]
    public void WorkerConfig_StartsTheAppAssembly()
    {
        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(App, "worker.config.json")));

        Assert.Equal("Tally.Functions.dll", worker.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString());
    }

    private static IReadOnlyList<string?> Bindings(string name)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(App, "functions.metadata")));
        return metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name)
            .GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()).ToList();
    }

    private static JsonElement Trigger(string name)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(App, "functions.metadata")));
        var function = metadata.RootElement.EnumerateArray().SingleOrDefault(f => f.GetProperty("name").GetString() == name);
        Assert.True(function.ValueKind == JsonValueKind.Object, $"functions.metadata has no function '{name}'");
        return function.GetProperty("bindings").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal))
            .Clone();
    }
}
