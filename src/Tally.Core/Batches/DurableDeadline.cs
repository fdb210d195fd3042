namespace Tally.Batches;

/// <summary>The deadline every Durable client call of the batches API runs under.</summary>
internal static class DurableDeadline
{
    /// <summary>How long a Durable client call may take before the request answers 503.</summary>
    public static readonly TimeSpan Client = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Runs a Durable client call with a deadline: the client's gRPC calls to the host have none, and a task
    /// hub whose storage hangs would hold the request for ever. Past the deadline it is a <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<T> WithinAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Client);
        try
        {
            return await call(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Durable task hub did not answer within {Client.TotalSeconds:0} seconds.", ex);
        }
    }
}
