using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Tally.Tests.Infrastructure;

/// <summary>
/// Sits in the app's table, queue and blob client pipelines (once per call, outside the SDK's retries) and
/// makes the k-th storage call fail as an outage does, land and lose its answer as a timeout does, or cancel
/// the caller during it, as a client that disconnects does. It also counts every call, so a test can read how many an operation makes.
/// </summary>
public sealed class StorageFaults : HttpPipelinePolicy
{
    private int _calls;
    private int _injected;
    private int _failAt;
    private int _loseAt;
    private CancellationTokenSource? _cancel;

    /// <summary>Storage calls made since the last <see cref="Reset"/>.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Failures injected since the last <see cref="Reset"/>.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>The requests made since the last <see cref="Reset"/>: method, path and query, unescaped.</summary>
    public List<string> Log { get; } = [];

    /// <summary>Counts from zero again, and injects nothing.</summary>
    public void Reset()
    {
        lock (Log)
        {
            Log.Clear();
        }

        _failAt = 0;
        _loseAt = 0;
        _cancel = null;
        Volatile.Write(ref _calls, 0);
        Volatile.Write(ref _injected, 0);
    }

    /// <summary>When set, every call it matches fails with 503 Server Busy, as an outage of that part of storage that does not end.</summary>
    public Func<Request, bool>? FailWhen { get; set; }

    /// <summary>
    /// When set, a table transaction for which it returns an index is refused as storage refuses a record it cannot hold
    /// (400 <c>PropertyValueTooLarge</c>, naming that record), changing nothing.
    /// </summary>
    public Func<Request, int?>? RejectWhen { get; set; }

    /// <summary>Makes the <paramref name="k"/>-th call from now fail with 503 Server Busy.</summary>
    public void FailAt(int k)
    {
        Reset();
        _failAt = k;
    }

    /// <summary>
    /// Lets the <paramref name="k"/>-th call from now reach storage and do its work, then loses the answer, as a timeout
    /// after a write has landed does: the caller sees what the SDK throws when its tries run out.
    /// </summary>
    public void LoseAnswerAt(int k)
    {
        Reset();
        _loseAt = k;
    }

    /// <summary>Injects <paramref name="fault"/> at the <paramref name="k"/>-th call from now.</summary>
    public void At(int k, StorageFault fault)
    {
        if (fault == StorageFault.Fail)
        {
            FailAt(k);
        }
        else
        {
            LoseAnswerAt(k);
        }
    }

    /// <summary>Cancels <paramref name="caller"/> during the <paramref name="k"/>-th call from now.</summary>
    public void CancelAt(int k, CancellationTokenSource caller)
    {
        Reset();
        _failAt = k;
        _cancel = caller;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var call = Interlocked.Increment(ref _calls);
        lock (Log)
        {
            Log.Add(Uri.UnescapeDataString($"{message.Request.Method} {message.Request.Uri.Path}{message.Request.Uri.Query}"));
        }

        if (call == _failAt || FailWhen?.Invoke(message.Request) == true)
        {
            Interlocked.Increment(ref _injected);
            if (_cancel is { } caller)
            {
                await caller.CancelAsync();
                message.CancellationToken.ThrowIfCancellationRequested();
            }

            throw new RequestFailedException(503, "Injected storage failure.", "ServerBusy", null);
        }

        if (RejectWhen?.Invoke(message.Request) is { } index)
        {
            Interlocked.Increment(ref _injected);
            var refused = new RequestFailedException(400, $"{index}:The property value exceeds the maximum allowed size (64KB).", "PropertyValueTooLarge", null);
            refused.Data["FailedEntity"] = $"{index}";
            throw new Azure.Data.Tables.TableTransactionFailedException(refused);
        }

        await ProcessNextAsync(message, pipeline);
        if (call == _loseAt)
        {
            Interlocked.Increment(ref _injected);
            throw new AggregateException(
                "Retry failed after 2 tries.", new TaskCanceledException("Injected: the call landed, but its answer was lost.", new TimeoutException()));
        }
    }
}

/// <summary>How a storage call goes wrong.</summary>
public enum StorageFault
{
    /// <summary>It fails, changing nothing, as an outage does.</summary>
    Fail,

    /// <summary>It does its work, then its answer is lost, as a timeout after a write has landed does.</summary>
    LoseAnswer,
}
