using System.Net.Http.Headers;

namespace Tally.Politeness;

/// <summary>Reads <c>Retry-After</c> (RFC 9110 section 10.2.3): a number of seconds or an HTTP date.</summary>
internal static class RetryAfter
{
    /// <summary>The longest pause honoured; an origin asking for more is paused this long, and asked again then.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    /// <summary>When the origin asks to be tried again, or null when the header is missing or unreadable.</summary>
    public static DateTimeOffset? Until(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var value = headers.RetryAfter;
        var wait = value?.Delta ?? (value?.Date is { } date ? date - now : null);
        return wait is { } delay ? now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay > Longest ? Longest : delay) : null;
    }
}
