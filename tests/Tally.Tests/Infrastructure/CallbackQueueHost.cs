using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Tally.Callbacks;
using Tally.Functions.Callbacks;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// What the Functions host's queue listener does for <c>tally-callbacks</c>, for tests where the host cannot run: it
/// delivers each visible message to the worker, deletes it when the function returns, and leaves it for redelivery when
/// it throws, moving it to the poison queue after <c>maxDequeueCount</c>. A retry's message becomes visible when its
/// delay (the test's short one) has passed, as on the real queue.
/// </summary>
public sealed class CallbackQueueHost(QueueServiceClient queues, CallbacksWorker worker, int maxDequeueCount = 5)
{
    private readonly QueueClient _queue = queues.GetQueueClient(DeliveryQueue.QueueName);
    private readonly QueueClient _poison = queues.GetQueueClient(DeliveryQueue.PoisonQueueName);

    /// <summary>Delivers the messages visible now, poison ones included; returns how many.</summary>
    public async Task<int> RunOnceAsync()
    {
        await _queue.CreateIfNotExistsAsync();
        await _poison.CreateIfNotExistsAsync();
        var messages = (await _queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(5))).Value;
        await Task.WhenAll(messages.Select(DeliverAsync));
        var poisoned = (await _poison.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(5))).Value;
        foreach (var message in poisoned)
        {
            await worker.FailPoisonedCallback(message.MessageText, default);
            await _poison.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return messages.Length + poisoned.Length;
    }

    /// <summary>Delivers messages as they become visible until <paramref name="done"/> holds, within a deadline.</summary>
    public async Task UntilAsync(Func<Task<bool>> done, TimeSpan? within = null, string? what = null) =>
        await Eventually.GetAsync(async () => { await RunOnceAsync(); return await done(); }, ok => ok, within ?? TimeSpan.FromSeconds(60), what);

    /// <summary>Empties both queues.</summary>
    public async Task ClearAsync()
    {
        foreach (var queue in new[] { _queue, _poison })
        {
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }
    }

    private async Task DeliverAsync(QueueMessage message)
    {
        try
        {
            await worker.DeliverCallback(message.MessageText, new QueueFunctionContext(message), default);
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        catch (Exception) when (message.DequeueCount < maxDequeueCount)
        {
            await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }
        catch (Exception)
        {
            await _poison.SendMessageAsync(message.MessageText);
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }
}
