using System.Text.Json;
using Azure.Storage.Queues;
using Tally.Jobs;
using Tally.Host.Tests.Infrastructure;
using Tally.Tests.Infrastructure;

namespace Tally.Host.Tests.StandIns;

/// <summary>A job's outcome as both sides report it.</summary>
public sealed record JobOutcome(string Status, int Attempts, bool ErrorNames503);

/// <summary>Where jobs run in an agreement test: under the real host, or under the in-process stand-in.</summary>
public interface IJobQueueUnderTest : IAsyncDisposable
{
    Task<string> EnqueueAsync(Uri url);

    Task<JobOutcome> FinishedAsync(string id);
}

/// <summary>The real host, called over HTTP; its queue listener runs on its own.</summary>
public sealed class RealHostQueue(TallyClient api) : IJobQueueUnderTest
{
    public Task<string> EnqueueAsync(Uri url) => api.EnqueueAsync(url);

    public async Task<JobOutcome> FinishedAsync(string id) => Outcome((await api.WaitForFinishedAsync(id)).Body);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal static JobOutcome Outcome(JsonElement job) => new(
        job.GetProperty("status").GetString()!,
        job.GetProperty("attempts").GetInt32(),
        job.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Contains("503"));
}

/// <summary>
/// The stand-in: the app's services (<see cref="TallyApp"/>) on an Azurite of their own, with <see cref="QueueHost"/>
/// draining the queue again and again as a listener polls (from the first job on), until disposed.
/// </summary>
public sealed class StandInQueue : IJobQueueUnderTest
{
    private readonly Azurite _azurite;
    private readonly TallyApp _app;
    private readonly CancellationTokenSource _stop = new();
    private Task? _listening;

    private StandInQueue(Azurite azurite)
    {
        _azurite = azurite;
        _app = new TallyApp(azurite);
    }

    public QueueHost Host => _app.Host;

    public static async Task<StandInQueue> StartAsync()
    {
        var azurite = new Azurite();
        await azurite.InitializeAsync();
        var queues = new QueueServiceClient(azurite.ConnectionString);
        await queues.GetQueueClient(JobStorage.QueueName).CreateIfNotExistsAsync(); // the host's listener makes both at start
        await queues.GetQueueClient(JobStorage.PoisonQueueName).CreateIfNotExistsAsync();
        return new StandInQueue(azurite);
    }

    public async Task<string> EnqueueAsync(Uri url)
    {
        var accepted = await _app.PostJobsAsync(JsonSerializer.Serialize(new { url }));
        Assert.Equal(202, accepted.Status);
        _listening ??= ListenAsync();
        return accepted.Text("id");
    }

    public async Task<JobOutcome> FinishedAsync(string id) => RealHostQueue.Outcome((await Eventually.GetAsync(
        () => _app.GetJobAsync(id),
        job => job.Text("status") is "succeeded" or "failed" or "canceled",
        TallyClient.Patience,
        $"job {id} to finish under the stand-in")).Body);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await (_listening ?? Task.CompletedTask);
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
        _stop.Dispose();
    }

    private async Task ListenAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await _app.Host.DrainAsync();
            await Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(50), _stop.Token)); // an empty queue is polled again, as the listener does
        }
    }
}
