using System.Net;

namespace Tally.Client;

/// <summary>
/// An answer of Tally that is not a success: its <c>application/problem+json</c> body (RFC 9457) as fields, so a
/// caller can act on <see cref="Status"/> and show <see cref="Detail"/>, which says what to change.
/// </summary>
public sealed class TallyException : Exception
{
    /// <summary>Creates the exception for a problem answer.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="type">The problem's type URI.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="detail">What went wrong, and what to change.</param>
    /// <param name="errors">Each input's error, when the problem lists them.</param>
    /// <param name="retryAfter">How long the app asked to wait before trying again, when it did.</param>
    public TallyException(HttpStatusCode status, string? type, string? title, string? detail, IReadOnlyList<string>? errors = null, TimeSpan? retryAfter = null)
        : base(detail ?? title ?? $"Tally answered {(int)status} {status}.")
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
        Errors = errors ?? [];
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code (400 bad input, 401 no key, 404 unknown, 409 wrong state, 413 too large, 503 storage trouble).</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's type URI.</summary>
    public string? Type { get; }

    /// <summary>The problem's title: the status's reason phrase.</summary>
    public string? Title { get; }

    /// <summary>What went wrong, and what to change.</summary>
    public string? Detail { get; }

    /// <summary>For a request of many URLs, each one's error; otherwise empty.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>How long the app asked to wait before trying again (with 503), when it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether trying again later may succeed: storage trouble (503) or too many requests (429).</summary>
    public bool IsTransient => Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests;
}
