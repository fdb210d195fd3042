using Microsoft.AspNetCore.Http;
using Tally.Tests.Infrastructure;

namespace Tally.Host.Tests.Infrastructure;

/// <summary>
/// Origin pages that count the requests in flight at once (and the most ever seen), and hold each request until the
/// test lets it go: one at a time, or all from then on.
/// </summary>
public sealed class HeldPages
{
    private readonly SemaphoreSlim _permits = new(0);
    private volatile bool _open;
    private int _now;
    private int _peak;
    private int _served;

    /// <summary>Requests in flight right now.</summary>
    public int InFlight => Volatile.Read(ref _now);

    /// <summary>The most requests ever in flight at once.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Requests answered.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>A handler that serves <paramref name="body"/> once let go (at once when <paramref name="hold"/> is false; it is counted either way).</summary>
    public RequestDelegate Page(string body, bool hold = true) => async context =>
    {
        QueueHost.InterlockedMax(ref _peak, Interlocked.Increment(ref _now));
        try
        {
            if (hold && !_open)
            {
                await _permits.WaitAsync(context.RequestAborted);
            }

            await Origin.Write(context, body, "text/plain; charset=utf-8");
            Interlocked.Increment(ref _served);
        }
        finally
        {
            Interlocked.Decrement(ref _now);
        }
    };

    /// <summary>Lets <paramref name="count"/> held requests (or the next ones to come) go.</summary>
    public void Release(int count = 1) => _permits.Release(count);

    /// <summary>Lets every request go, held or to come.</summary>
    public void Open()
    {
        _open = true;
        _permits.Release(10_000);
    }
}
