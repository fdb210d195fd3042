using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Tally.Functions.Jobs;
using Tally.Jobs;

namespace Tally.Tests.Infrastructure;

/// <summary>The queue settings the Functions host reads from <c>host.json</c> (<c>extensions.queues</c>).</summary>
public sealed record HostQueueSettings(int BatchSize, int NewBatchThreshold, int MaxDequeueCount)
{
    /// <summary>The most messages the host runs at once: a batch, plus the next one it fetches at the threshold.</summary>
    public int MaxConcurrency => BatchSize + NewBatchThreshold;

    /// <summary>The settings in the repository's own host.json, the file the app is deployed with.</summary>
    public static HostQueueSettings FromHostJson()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")));
        var queues = json.RootElement.GetProperty("extensions").GetProperty("queues");
        return new HostQueueSettings(
            queues.GetProperty("batchSize").GetInt32(),
            queues.GetProperty("newBatchThreshold").GetInt32(),
            queues.GetProperty("maxDequeueCount").GetInt32());
    }
}

/// <summary>
/// What the Functions host's queue listener does, for tests where the host cannot run, with the
/// limits of the app's host.json: it receives up to <c>batchSize</c> messages and runs them at once,
/// fetches more whenever the running ones drop to <c>newBatchThreshold</c> (so at most the sum run at
/// once), deletes a message whose function returned, and leaves one whose function threw (any
/// exception) to be delivered again, moving it to the poison queue after <c>maxDequeueCount</c>
/// deliveries, where the poison trigger runs. The one liberty: a failed message is made visible at
/// once rather than after host.json's <c>visibilityTimeout</c>, so tests do not wait.
/// </summary>
public sealed class QueueHost(QueueServiceClient queues, JobsWorker worker, HostQueueSettings? settings = null)
{
    /// <summary>How soon an empty poll below the threshold is tried again (the host backs off to host.json's <c>maxPollingInterval</c>).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly QueueClient _jobs = queues.GetQueueClient(JobStorage.QueueName);
    private readonly QueueClient _poison = queues.GetQueueClient(JobStorage.PoisonQueueName);
    private int _running;
    private int _peak;

    public HostQueueSettings Settings { get; } = settings ?? HostQueueSettings.FromHostJson();

    /// <summary>The most deliveries that ran at once.</summary>
    public int PeakConcurrency => _peak;

    /// <summary>Exceptions the function threw, in the order they came (each left its message for redelivery).</summary>
    public ConcurrentQueue<Exception> Failures { get; } = new();

    /// <summary>Delivers messages until both queues are empty and nothing runs.</summary>
    /// <returns>How many deliveries were made.</returns>
    public async Task<int> DrainAsync()
    {
        var deliveries = 0;
        var running = new List<Task>();
        while (true)
        {
            running.RemoveAll(task => task.IsCompleted);
            if (running.Count <= Settings.NewBatchThreshold)
            {
                var batch = (await _jobs.ReceiveMessagesAsync(Settings.BatchSize, TimeSpan.FromMinutes(10))).Value;
                deliveries += batch.Length;
                running.AddRange(batch.Select(DeliverAsync));
                if (batch.Length > 0)
                {
                    continue;
                }
            }

            if (running.Count > 0)
            {
                // As the host's listener: at or below the threshold it polls again while work runs (messages enqueued
                // meanwhile are taken before any delivery ends); above it, it waits for a delivery to end.
                await (running.Count <= Settings.NewBatchThreshold ? Task.WhenAny(Task.WhenAny(running), Task.Delay(PollInterval)) : Task.WhenAny(running));
                continue;
            }

            var poisoned = (await _poison.ReceiveMessagesAsync(Settings.BatchSize, TimeSpan.FromMinutes(10))).Value;
            if (poisoned.Length == 0)
            {
                return deliveries;
            }

            deliveries += poisoned.Length;
            foreach (var message in poisoned)
            {
                await worker.FailPoisonedJob(message.MessageText, default);
                await _poison.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private async Task DeliverAsync(QueueMessage message)
    {
        await Task.Yield();
        var now = Interlocked.Increment(ref _running);
        InterlockedMax(ref _peak, now);
        try
        {
            await worker.RunJob(message.MessageText, new QueueFunctionContext(message), default);
            await _jobs.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        catch (Exception ex)
        {
            Failures.Enqueue(ex);
            if (message.DequeueCount >= Settings.MaxDequeueCount)
            {
                await _poison.SendMessageAsync(message.MessageText);
                await _jobs.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
            else
            {
                await _jobs.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if it is lower, atomically.</summary>
    internal static void InterlockedMax(ref int target, int value)
    {
        for (var seen = target; value > seen; seen = target)
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
