using System.Net.Sockets;
using Azure;
using Grpc.Core;

namespace Tally.Hosting;

/// <summary>
/// Storage trouble, told apart from everything else in one place: what the storage clients throw when an account
/// fails, times out or cannot be reached (the SDK's retries spent included), and what the Durable client throws when
/// the host's task hub storage does not answer. The HTTP edge answers it with 503; best-effort writes log it and go on.
/// </summary>
public static class StorageTrouble
{
    /// <summary>Whether <paramref name="exception"/> means storage failed or did not answer.</summary>
    public static bool Is(Exception exception) => exception switch
    {
        RequestFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(Is),
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Internal or StatusCode.Unknown,
        TimeoutException or HttpRequestException or IOException or SocketException => true,
        OperationCanceledException canceled => TimedOut(canceled), // a try that timed out, not the caller leaving
        _ => false,
    };

    /// <summary>
    /// Whether a best-effort storage call (a rollback, a release, a figure written later) may give up quietly on
    /// <paramref name="exception"/>: storage trouble, or the call's own budget or its caller canceled it.
    /// </summary>
    public static bool IsOrCanceled(Exception exception) => exception switch
    {
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsOrCanceled),
        _ => Is(exception),
    };

    private static bool TimedOut(Exception canceled)
    {
        for (var inner = canceled.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is TimeoutException or IOException or SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
