using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Tally.Functions.Jobs;
using Tally.Jobs;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// What the Functions host's queue listener does, for tests where the host cannot run: receive a
/// message, hand its decoded text to the function, delete it on success; on an exception make it
/// visible again, or after <c>maxDequeueCount</c> deliveries move it to the poison queue, whose
/// own trigger then runs. Retries are made visible at once rather than after host.json's
/// visibilityTimeout, so tests do not wait.
/// </summary>
public sealed class QueueHost(QueueServiceClient queues, JobsWorker worker, int maxDequeueCount = 5)
{
    private readonly QueueClient _jobs = queues.GetQueueClient(JobStorage.QueueName);
    private readonly QueueClient _poison = queues.GetQueueClient(JobStorage.PoisonQueueName);

    /// <summary>Delivers messages until both queues are empty.</summary>
    /// <returns>How many deliveries were made.</returns>
    public async Task<int> DrainAsync()
    {
        var deliveries = 0;
        while (true)
        {
            var jobs = (await _jobs.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            var poisoned = (await _poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            if (jobs.Length == 0 && poisoned.Length == 0)
            {
                return deliveries;
            }

            foreach (var message in jobs)
            {
                deliveries++;
                await DeliverAsync(message);
            }

            foreach (var message in poisoned)
            {
                deliveries++;
                await worker.FailPoisonedJob(message.MessageText, default);
                await _poison.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private async Task DeliverAsync(QueueMessage message)
    {
        try
        {
            await worker.RunJob(message.MessageText, default);
            await _jobs.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        catch (JobRetryException) when (message.DequeueCount >= maxDequeueCount)
        {
            await _poison.SendMessageAsync(message.MessageText);
            await _jobs.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        catch (JobRetryException)
        {
            await _jobs.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }
    }
}
