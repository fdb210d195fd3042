using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tally.Callbacks;

/// <summary>Makes the attempt a <c>tally-callbacks</c> message names, and on failure sends the next one, its delay as the message's visibility.</summary>
/// <remarks>
/// The attempt is taken (an ETag-checked write) before the call, so a duplicate message calls no one; the next attempt's
/// message is sent before the failure is recorded, so a crash between them repeats a call rather than losing the
/// delivery. Writes are not canceled with the invocation: the call was made, and its outcome must be kept.
/// </remarks>
public sealed partial class CallbackDeliverer(
    DeliveryLog log, DeliveryQueue queue, CallbackSender sender, IOptionsMonitor<CallbacksOptions> options, TimeProvider time, ILogger<CallbackDeliverer> logger)
{
    /// <summary>Makes the attempt <paramref name="messageText"/> names.</summary>
    /// <param name="messageText">The message.</param>
    /// <param name="messageId">The queue's id for the message, the same on each of its deliveries: the token that holds the attempt.</param>
    /// <param name="cancellationToken">Canceled when the host stops the function; the message then comes back and the attempt is made again.</param>
    public async Task DeliverAsync(string messageText, string messageId, CancellationToken cancellationToken)
    {
        if (DeliveryMessage.Parse(messageText) is not { } message)
        {
            LogMalformed(messageText);
            return;
        }

        var (delivery, taken) = await log.UpdateAsync(
            message.Id, d => DeliveryStateMachine.Take(d, message.Round, message.Attempt, messageId), null, cancellationToken).ConfigureAwait(false);
        if (!taken)
        {
            LogSkipped(message.Id, message.Round, message.Attempt, delivery?.State ?? "gone");
            return;
        }

        var outcome = await sender.CallAsync(new Uri(delivery!.Url), delivery.Id, delivery.Body, cancellationToken).ConfigureAwait(false);
        if (outcome.Delivered)
        {
            await log.UpdateAsync(message.Id, d => DeliveryStateMachine.Deliver(d, messageId, outcome.Status!.Value, time.GetUtcNow()), delivery, CancellationToken.None).ConfigureAwait(false);
            LogDelivered(message.Id, delivery.Type, message.Attempt, outcome.Status!.Value);
            return;
        }

        var delays = options.CurrentValue.Delays;
        if (!outcome.Permanent && message.Attempt <= delays.Count)
        {
            var delay = delays[message.Attempt - 1];
            await queue.SendAsync(message with { Attempt = message.Attempt + 1 }, delay, CancellationToken.None).ConfigureAwait(false);
            await log.UpdateAsync(message.Id, d => DeliveryStateMachine.Retry(d, messageId, outcome.Status, outcome.Error!, time.GetUtcNow() + delay), delivery, CancellationToken.None).ConfigureAwait(false);
            LogRetrying(message.Id, message.Attempt, delay, outcome.Error!);
            return;
        }

        await log.UpdateAsync(message.Id, d => DeliveryStateMachine.Fail(d, messageId, outcome.Status, outcome.Error!), delivery, CancellationToken.None).ConfigureAwait(false);
        LogFailed(message.Id, message.Attempt, outcome.Error!);
    }

    /// <summary>Fails the delivery of a message the host moved to <c>tally-callbacks-poison</c>: the worker failed on it every time (storage trouble).</summary>
    public async Task GiveUpAsync(string messageText, CancellationToken cancellationToken)
    {
        if (DeliveryMessage.Parse(messageText) is not { } message)
        {
            LogMalformed(messageText);
            return;
        }

        var (_, failed) = await log.UpdateAsync(
            message.Id,
            d => DeliveryStateMachine.GiveUp(d, message.Round, message.Attempt, $"Tally could not make attempt {message.Attempt}: its worker failed on every try."),
            null,
            cancellationToken).ConfigureAwait(false);
        if (failed)
        {
            LogFailed(message.Id, message.Attempt, "the delivery worker failed on every try");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on tally-callbacks that is not a delivery message: {Message}")]
    private partial void LogMalformed(string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} round {Round} attempt {Attempt} skipped: {State}")]
    private partial void LogSkipped(string deliveryId, int round, int attempt, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Type}) delivered on attempt {Attempt}: HTTP {Status}")]
    private partial void LogDelivered(string deliveryId, string type, int attempt, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} attempt {Attempt} failed, retrying in {Delay}: {Error}")]
    private partial void LogRetrying(string deliveryId, int attempt, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} failed after attempt {Attempt}: {Error}")]
    private partial void LogFailed(string deliveryId, int attempt, string error);
}
