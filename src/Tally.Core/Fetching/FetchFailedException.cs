namespace Tally.Fetching;

/// <summary>A page could not be fetched or counted.</summary>
/// <param name="message">What went wrong, for a person to read.</param>
/// <param name="isTransient">Whether trying again later may succeed (timeouts, 5xx, 408, 429, lost connections).</param>
/// <param name="httpStatus">The origin's status code, when it answered.</param>
/// <param name="inner">The underlying error, if any.</param>
public sealed class FetchFailedException(string message, bool isTransient, int? httpStatus = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Whether trying again later may succeed.</summary>
    public bool IsTransient { get; } = isTransient;

    /// <summary>The origin's status code, when it answered.</summary>
    public int? HttpStatus { get; } = httpStatus;

    /// <summary>The <c>Content-Type</c> the origin sent, when the page failed for what it is.</summary>
    public string? ContentType { get; init; }
}
