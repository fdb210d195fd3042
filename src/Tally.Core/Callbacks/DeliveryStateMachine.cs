namespace Tally.Callbacks;

/// <summary>Every change a delivery goes through, each with its guard: the worker, the API and the poison path change deliveries only here.</summary>
/// <remarks>
/// <code>
/// pending ──take──▶ pending (attempt n, claimed) ──deliver──▶ delivered ──redeliver──▶ pending (next round)
///                        │ └──retry──▶ pending (message n+1 waits)   │
///                        └──fail (410, last delay spent)──▶ failed ──redeliver──┘
/// </code>
/// A message names a round and an attempt. Only the message of the next attempt, or a second delivery of the message
/// that holds the current one (its worker died mid-call), takes the delivery; any other (a duplicate, a stale round) is
/// dropped. So two messages for one attempt never both call, and a crash costs at most one repeated call.
/// </remarks>
public static class DeliveryStateMachine
{
    /// <summary>Takes the delivery for attempt <paramref name="attempt"/> of round <paramref name="round"/>, held by message <paramref name="token"/>.</summary>
    public static bool Take(DeliveryEntity delivery, int round, int attempt, string token)
    {
        if (delivery.State != DeliveryStates.Pending || delivery.Round != round
            || !(delivery.Attempts == attempt - 1 || (delivery.Attempts == attempt && delivery.ClaimToken == token)))
        {
            return false;
        }

        delivery.Attempts = attempt;
        delivery.ClaimToken = token;
        delivery.NextAttemptAt = null;
        return true;
    }

    /// <summary>Records a 2xx answer.</summary>
    public static bool Deliver(DeliveryEntity delivery, string token, int status, DateTimeOffset now)
    {
        if (!Holds(delivery, token))
        {
            return false;
        }

        delivery.State = DeliveryStates.Delivered;
        delivery.ClaimToken = null;
        delivery.LastStatus = status;
        delivery.LastError = null;
        delivery.DeliveredAt = now;
        return true;
    }

    /// <summary>Records a failed attempt whose retry, due at <paramref name="nextAttemptAt"/>, was sent.</summary>
    public static bool Retry(DeliveryEntity delivery, string token, int? status, string error, DateTimeOffset nextAttemptAt)
    {
        if (!Holds(delivery, token))
        {
            return false;
        }

        delivery.ClaimToken = null;
        delivery.LastStatus = status;
        delivery.LastError = Bounded(error);
        delivery.NextAttemptAt = nextAttemptAt;
        return true;
    }

    /// <summary>Fails the delivery for good: the receiver answered 410 Gone, the address is refused, or the last delay is spent.</summary>
    public static bool Fail(DeliveryEntity delivery, string token, int? status, string error)
    {
        if (!Holds(delivery, token))
        {
            return false;
        }

        delivery.State = DeliveryStates.Failed;
        delivery.ClaimToken = null;
        delivery.LastStatus = status;
        delivery.LastError = Bounded(error);
        return true;
    }

    /// <summary>Fails the delivery whose attempt-<paramref name="attempt"/> message ran out of tries (the worker itself kept failing).</summary>
    public static bool GiveUp(DeliveryEntity delivery, int round, int attempt, string error)
    {
        if (delivery.State != DeliveryStates.Pending || delivery.Round != round || delivery.Attempts > attempt)
        {
            return false;
        }

        delivery.State = DeliveryStates.Failed;
        delivery.ClaimToken = null;
        delivery.NextAttemptAt = null;
        delivery.LastError = Bounded(delivery.LastError is null ? error : $"{error} Last attempt: {delivery.LastError}");
        return true;
    }

    /// <summary>Starts a new round of attempts for a delivered or failed delivery; null when it is still pending.</summary>
    /// <returns>The new round, whose attempt-1 message the caller sends.</returns>
    public static int? Redeliver(DeliveryEntity delivery)
    {
        if (delivery.State == DeliveryStates.Pending)
        {
            return null;
        }

        delivery.State = DeliveryStates.Pending;
        delivery.Round++;
        delivery.Attempts = 0;
        delivery.ClaimToken = null;
        delivery.NextAttemptAt = null;
        return delivery.Round;
    }

    private static bool Holds(DeliveryEntity delivery, string token) => delivery.State == DeliveryStates.Pending && delivery.ClaimToken == token;

    private static string Bounded(string error) => error.Length <= DeliveryEntity.MaxErrorLength ? error : error[..(DeliveryEntity.MaxErrorLength - 1)] + "…";
}
