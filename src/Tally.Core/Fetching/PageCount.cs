namespace Tally.Fetching;

/// <summary>What fetching and counting one page found.</summary>
/// <param name="Words">The words in the page.</param>
/// <param name="Bytes">The body bytes read (after content decoding).</param>
/// <param name="ContentType">The Content-Type the origin declared, if any.</param>
/// <param name="HttpStatus">The final response's status code.</param>
/// <param name="FinalUrl">The URL the body came from, after redirects.</param>
public sealed record PageCount(long Words, long Bytes, string? ContentType, int HttpStatus, Uri FinalUrl)
{
    /// <summary>Whether the origin answered <c>304 Not Modified</c>, so the count is the one kept from the last fetch and no body was read.</summary>
    public bool Revalidated { get; init; }

    /// <summary>The <c>ETag</c> the origin sent with the page, if any (and short enough to keep).</summary>
    public string? ETag { get; init; }

    /// <summary>The <c>Last-Modified</c> date the origin sent with the page, if any.</summary>
    public string? LastModified { get; init; }
}
